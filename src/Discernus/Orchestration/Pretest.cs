using System.Globalization;
using System.Text;
using Discernus.Agents;
using Discernus.Content;
using Discernus.Models;
using Discernus.Provenance;
using MathNet.Numerics.Statistics;

namespace Discernus.Orchestration;

/// <summary>
/// The pre-test's sample: documents ordered by a hash of the seed and each document's content hash and id, the first
/// N taken. The same seed and corpus give the same sample on any machine and runtime (no library random generator
/// whose sequence could change), and reordering the corpus manifest does not change it.
/// </summary>
internal static class PretestSample
{
    /// <summary>Indices into <paramref name="documents"/> of the sample, in corpus order.</summary>
    public static IReadOnlyList<int> Choose(IReadOnlyList<ManifestDocument> documents, int size, int seed) =>
        documents
            .Select((d, i) => (Index: i, Key: Hashing.Sha256Hex(string.Create(CultureInfo.InvariantCulture, $"{seed}\n{d.TextSha256}\n{d.DocumentId}"))))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, size))
            .Select(x => x.Index)
            .Order()
            .ToList();
}

/// <summary>How one dimension's scores spread over the sample, for one model.</summary>
internal sealed record PretestDimension
{
    public required string Model { get; init; }
    public required string Dimension { get; init; }
    /// <summary>Sampled documents the model gave a score for.</summary>
    public required int Scored { get; init; }
    /// <summary>Sampled documents the model could not score (e.g. a marker-less dimension and the lexicon baseline).</summary>
    public required int NotScored { get; init; }
    public double? Mean { get; init; }
    /// <summary>Sample standard deviation; null with fewer than two scores.</summary>
    public double? StandardDeviation { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public required int DistinctValues { get; init; }
    /// <summary>False when two or more scores are all equal: the dimension tells the documents apart in no way.</summary>
    public required bool Discriminates { get; init; }
}

/// <summary>A model's measured tokens per document on the sample, and the cost of the whole run extrapolated from them.</summary>
internal sealed record PretestModelCost
{
    public required string Model { get; init; }
    public required int Answers { get; init; }
    public required double PromptTokensPerDocument { get; init; }
    public required double CompletionTokensPerDocument { get; init; }
    /// <summary>Analyses the full run makes with this model (documents × runs), the sample's included.</summary>
    public required int FullRunAnalyses { get; init; }
    /// <summary>Null when the model has no known price.</summary>
    public decimal? ExtrapolatedUsd { get; init; }
}

/// <summary>
/// What `run --pretest N` found on its sample (<c>results/pretest/pretest.json</c>): the spread of every dimension,
/// the share of verified evidence quotes, failed answers, tokens per document and the extrapolated cost, and whether
/// the run went on (<see cref="StopReasons"/> empty) or stopped before the full corpus.
/// </summary>
internal sealed record PretestReport
{
    public required int SampleDocuments { get; init; }
    public required int CorpusDocuments { get; init; }
    public required int Seed { get; init; }
    /// <summary>Corpus document ids of the sample.</summary>
    public required IReadOnlyList<string> Documents { get; init; }
    public required int Tasks { get; init; }
    public required int Succeeded { get; init; }
    public required int Failed { get; init; }
    public required double FailureRate { get; init; }
    public required double MaxFailureRate { get; init; }
    public required IReadOnlyList<PretestDimension> Dimensions { get; init; }
    public required int Quotes { get; init; }
    public required int VerifiedQuotes { get; init; }
    /// <summary>Null when the sample's answers quoted nothing.</summary>
    public double? VerifiedQuoteRate { get; init; }
    public required IReadOnlyList<PretestModelCost> Models { get; init; }
    /// <summary>The whole run's cost extrapolated from the sample's tokens (synthesis included); null when a price is unknown.</summary>
    public decimal? ExtrapolatedUsd { get; init; }
    public decimal? BudgetUsd { get; init; }
    public required IReadOnlyList<string> StopReasons { get; init; }
    /// <summary>What the researcher should know without stopping the run (unscored dimensions, unknown prices, few quotes).</summary>
    public required IReadOnlyList<string> Notes { get; init; }
    public string Verdict => StopReasons.Count == 0 ? "proceed" : "stop";
}

/// <summary>Judges a pre-test sample: a pure function of its results, so the verdict can be checked without a model.</summary>
internal static class PretestEvaluator
{
    // Two scores closer than this are the same score (answers are decimals such as 0.35, never finer).
    private const double SameScore = 1e-9;

    public sealed record Input
    {
        public required ManifestPretest Settings { get; init; }
        public required IReadOnlyList<string> SampleDocumentIds { get; init; }
        public required int CorpusDocuments { get; init; }
        public required int RunsPerModel { get; init; }
        public required IReadOnlyList<string> Models { get; init; }
        public required IReadOnlyList<string> DimensionNames { get; init; }
        public required IReadOnlyList<AnalysisResult> Results { get; init; }
        public required int Tasks { get; init; }
        public required int Failed { get; init; }
        public decimal? BudgetUsd { get; init; }
        public required PriceTable Prices { get; init; }
    }

    public static PretestReport Evaluate(Input input)
    {
        var stop = new List<string>();
        var notes = new List<string>();
        var dimensions = JudgeDimensions(input, stop, notes);
        if (input.SampleDocumentIds.Count >= input.CorpusDocuments)
        {
            notes.Add("the sample is the whole corpus: the full run has nothing left to analyse");
        }

        var failureRate = input.Tasks == 0 ? 0 : (double)input.Failed / input.Tasks;
        if (failureRate > input.Settings.MaxFailureRate)
        {
            stop.Add(string.Create(CultureInfo.InvariantCulture,
                $"{input.Failed} of {input.Tasks} sampled answers failed ({failureRate:P0}, above the limit of {input.Settings.MaxFailureRate:P0} set by --pretest-max-failure-rate); the failures list their reasons"));
        }

        var quotes = input.Results.SelectMany(r => r.FrameworkAnalysis.Values).SelectMany(d => d.Evidence).ToList();
        var verified = quotes.Count(q => q.Verified);
        double? quoteRate = quotes.Count > 0 ? (double)verified / quotes.Count : null;
        if (quotes.Count == 0 && input.Results.Count > 0)
        {
            notes.Add("the sampled answers quoted no evidence");
        }
        else if (quoteRate < 0.8)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"only {quoteRate:P0} of the evidence quotes were found verbatim in their documents"));
        }

        var (costs, total) = Extrapolate(input, notes);
        if (total is { } projected && input.BudgetUsd is { } budget && projected > budget)
        {
            stop.Add(string.Create(CultureInfo.InvariantCulture,
                $"the full run would cost about ${projected:0.0000} (extrapolated from the tokens the sample used), above budget.max_cost_usd (${budget}); raise the budget, use fewer documents or runs, or choose a cheaper model"));
        }

        return new PretestReport
        {
            SampleDocuments = input.SampleDocumentIds.Count,
            CorpusDocuments = input.CorpusDocuments,
            Seed = input.Settings.Seed,
            Documents = input.SampleDocumentIds,
            Tasks = input.Tasks,
            Succeeded = input.Results.Count,
            Failed = input.Failed,
            FailureRate = Math.Round(failureRate, 4),
            MaxFailureRate = input.Settings.MaxFailureRate,
            Dimensions = dimensions,
            Quotes = quotes.Count,
            VerifiedQuotes = verified,
            VerifiedQuoteRate = quoteRate is { } rate ? Math.Round(rate, 4) : null,
            Models = costs,
            ExtrapolatedUsd = total,
            BudgetUsd = input.BudgetUsd,
            StopReasons = stop,
            Notes = notes,
        };
    }

    /// <summary>Each dimension's spread in the sample, per model; one that does not discriminate stops the run.</summary>
    private static List<PretestDimension> JudgeDimensions(Input input, List<string> stop, List<string> notes)
    {
        var dimensions = new List<PretestDimension>();
        foreach (var model in input.Models)
        {
            var answers = input.Results.Where(r => r.ProcessingMetadata.Model == model).ToList();
            foreach (var name in input.DimensionNames)
            {
                var scores = answers.Select(a => a.FrameworkAnalysis.GetValueOrDefault(name)?.Score).OfType<double>().Where(double.IsFinite).ToList();
                var spread = scores.Count > 0 ? scores.Max() - scores.Min() : 0;
                var dimension = new PretestDimension
                {
                    Model = model,
                    Dimension = name,
                    Scored = scores.Count,
                    NotScored = answers.Count - scores.Count,
                    Mean = scores.Count > 0 ? scores.Average() : null,
                    StandardDeviation = scores.Count > 1 ? scores.StandardDeviation() : null,
                    Min = scores.Count > 0 ? scores.Min() : null,
                    Max = scores.Count > 0 ? scores.Max() : null,
                    DistinctValues = scores.Select(s => Math.Round(s, 9)).Distinct().Count(),
                    Discriminates = scores.Count < 2 || spread > SameScore,
                };
                dimensions.Add(dimension);
                var by = input.Models.Count > 1 ? $" by {model}" : "";
                if (!dimension.Discriminates)
                {
                    stop.Add(string.Create(CultureInfo.InvariantCulture,
                        $"dimension '{name}' does not discriminate: all {scores.Count} sampled documents scored {scores[0]:0.###}{by} (zero variance), so it cannot tell any documents apart; revise its description, markers or scoring calibration in the framework"));
                }
                else if (scores.Count < 2 && answers.Count > 0)
                {
                    notes.Add($"dimension '{name}' was scored for {scores.Count} of {answers.Count} sampled document(s){by}, too few to judge its spread");
                }
            }
        }

        return dimensions;
    }

    /// <summary>The full run's cost per model, from the tokens the sample used; null in total when any model's cannot be known.</summary>
    private static (List<PretestModelCost> Costs, decimal? Total) Extrapolate(Input input, List<string> notes)
    {
        var costs = new List<PretestModelCost>();
        decimal? total = 0m;
        foreach (var (model, index) in input.Models.Select((m, i) => (m, i)))
        {
            var answers = input.Results.Where(r => r.ProcessingMetadata.Model == model).ToList();
            var prompt = answers.Count > 0 ? answers.Average(a => (double)a.ProcessingMetadata.TokensUsed.Prompt) : 0;
            var completion = answers.Count > 0 ? answers.Average(a => (double)a.ProcessingMetadata.TokensUsed.Completion) : 0;
            var analyses = input.CorpusDocuments * input.RunsPerModel;
            decimal? usd = null;
            if (ModelName.TryParse(model, out var name, out _) && answers.Count > 0)
            {
                var promptTokens = (long)Math.Ceiling(prompt * analyses) + (index == 0 ? CostEstimator.SynthesisPromptTokens : 0);
                var completionTokens = (long)Math.Ceiling(completion * analyses) + (index == 0 ? CostEstimator.SynthesisCompletionTokens : 0);
                usd = input.Prices.CostOf(name, promptTokens, completionTokens);
            }

            if (usd is null)
            {
                notes.Add(answers.Count == 0
                    ? $"no sampled answer of {model} succeeded, so its cost cannot be extrapolated"
                    : $"{model} has no known price, so the cost of the full run cannot be extrapolated; the budget is checked as the run spends");
            }

            total = total is { } sum && usd is { } add ? sum + add : null;
            costs.Add(new PretestModelCost
            {
                Model = model,
                Answers = answers.Count,
                PromptTokensPerDocument = Math.Round(prompt, 1),
                CompletionTokensPerDocument = Math.Round(completion, 1),
                FullRunAnalyses = analyses,
                ExtrapolatedUsd = usd,
            });
        }

        return (costs, total);
    }

    /// <summary>The report as a page a researcher reads (<c>results/pretest/pretest.md</c>).</summary>
    public static string ToMarkdown(PretestReport report)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# Pre-test").AppendLine();
        text.AppendLine(inv, $"{report.SampleDocuments} of {report.CorpusDocuments} documents (seed {report.Seed}), {report.Tasks} analyses: {report.Succeeded} succeeded, {report.Failed} failed ({report.FailureRate:P0}; limit {report.MaxFailureRate:P0}).");
        text.AppendLine().AppendLine(inv, $"**Verdict: {(report.StopReasons.Count == 0 ? "proceed to the full corpus" : "stop before the full corpus")}**").AppendLine();
        foreach (var reason in report.StopReasons)
        {
            text.AppendLine(inv, $"- {reason}");
        }

        text.AppendLine().AppendLine("## Spread of the scores").AppendLine();
        text.AppendLine("| model | dimension | scored | mean | sd | min | max | distinct | discriminates |").AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var d in report.Dimensions)
        {
            text.AppendLine(inv, $"| {d.Model} | {d.Dimension} | {d.Scored}/{d.Scored + d.NotScored} | {Number(d.Mean)} | {Number(d.StandardDeviation)} | {Number(d.Min)} | {Number(d.Max)} | {d.DistinctValues} | {(d.Discriminates ? "yes" : "**no**")} |");
        }

        text.AppendLine().AppendLine("## Evidence and cost").AppendLine();
        text.AppendLine(inv, $"Evidence quotes found verbatim in their documents: {report.VerifiedQuotes} of {report.Quotes}{(report.VerifiedQuoteRate is { } rate ? string.Create(inv, $" ({rate:P0})") : "")}.").AppendLine();
        text.AppendLine("| model | answers | prompt tokens / document | completion tokens / document | analyses in the full run | extrapolated cost |").AppendLine("|---|---|---|---|---|---|");
        foreach (var m in report.Models)
        {
            text.AppendLine(inv, $"| {m.Model} | {m.Answers} | {m.PromptTokensPerDocument:0.#} | {m.CompletionTokensPerDocument:0.#} | {m.FullRunAnalyses} | {Usd(m.ExtrapolatedUsd)} |");
        }

        text.AppendLine().AppendLine(inv, $"Extrapolated cost of the whole run: {Usd(report.ExtrapolatedUsd)}{(report.BudgetUsd is { } budget ? string.Create(inv, $" (budget ${budget})") : "")}.");
        if (report.Notes.Count > 0)
        {
            text.AppendLine().AppendLine("## Notes").AppendLine();
            foreach (var note in report.Notes)
            {
                text.AppendLine(inv, $"- {note}");
            }
        }

        return text.ToString();

        static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";
        static string Usd(decimal? value) => value is { } v ? v.ToString("$0.0000", CultureInfo.InvariantCulture) : "unknown";
    }
}
