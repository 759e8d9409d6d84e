using System.Globalization;
using System.Text.Json;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>
/// How a run ended, from its run folder: the stage rows, cost, failures, error and where its outputs are, the pre-test
/// when there was one, and whether it can be resumed. <see cref="SetUp"/> is false when the run never got a folder.
/// </summary>
public sealed record RunEnd
{
    private RunManifest? Manifest { get; init; }

    public required string RunFolder { get; init; }

    public bool SetUp => Manifest is not null;

    /// <summary>Why the run has no folder, when it has none.</summary>
    public string? NotSetUp { get; init; }

    public string RunId => Manifest?.RunId ?? "";

    public string Status => Manifest?.Status ?? RunStatus.Failed;

    /// <summary>The status as the kinds a front end maps to its exit codes: a run that never got a folder failed.</summary>
    public RunEndKind Kind => !SetUp ? RunEndKind.Failed : Status switch
    {
        RunStatus.Completed => RunEndKind.Completed,
        RunStatus.CompletedWithFailures => RunEndKind.CompletedWithFailures,
        RunStatus.Cancelled => RunEndKind.Cancelled,
        _ => RunEndKind.Failed,
    };

    public IReadOnlyList<StageRow> Stages { get; init; } = [];

    /// <summary>"cost $x; 3 provider request(s), 0 cache hit(s), 1 retries, 0 failed request(s)".</summary>
    public string Cost { get; init; } = "";

    /// <summary>The first ten failed analyses: the document (or task) and why.</summary>
    public IReadOnlyList<(string Name, string Reason)> Failures { get; init; } = [];

    public string? Error => Manifest?.Error;

    public string? Report { get; init; }

    public string? ReportHtml { get; init; }

    /// <summary>True when the run got past setup and did not finish: `run --resume` continues it.</summary>
    public bool Resumable { get; init; }

    public PretestView? Pretest { get; init; }

    public static RunEnd Read(string runFolder, string? lastError)
    {
        var manifestPath = Path.Combine(runFolder, Provenance.RunFolder.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return new RunEnd { RunFolder = runFolder, NotSetUp = $"the run did not get past validation: {lastError ?? "no reason recorded"}" };
        }

        var manifest = Provenance.RunFolder.ReadManifestHead(manifestPath);
        var cost = manifest.Cost;
        string? Full(string? relative) => relative is null ? null : Path.Combine(runFolder, relative);
        var setUp = manifest.Stages.Any(s => s.Name == StageNames.RunSetup && s.Status == RunStatus.Completed);
        return new RunEnd
        {
            Manifest = manifest,
            RunFolder = runFolder,
            Stages = RunRules.StageRows(manifest),
            Cost = $"cost {CostText.Actual(cost, manifest.Models?.Names ?? [])}; {cost.Work()}, {cost.Retries} retries, {cost.Failures} failed request(s)",
            Failures = [.. manifest.Failures.Take(10).Select(f => (f.DocumentName ?? f.TaskId, f.Reason))],
            Report = Full(manifest.Outputs.ReportMarkdown),
            ReportHtml = manifest.Outputs.ReportMarkdown is null ? null : Full(manifest.Outputs.ReportHtml),
            Resumable = setUp && (!RunStatus.IsFinal(manifest.Status) || manifest.Status is RunStatus.Failed or RunStatus.Cancelled),
            Pretest = PretestView.Read(runFolder, manifest.Outputs.Pretest),
        };
    }

    /// <summary>The `run --format json` summary.</summary>
    public string ToJson(int exitCode, TimeSpan elapsed)
    {
        var manifest = Manifest ?? throw new InvalidOperationException(NotSetUp);
        string? Full(string? relative) => relative is null ? null : Path.Combine(RunFolder, relative);
        return JsonSerializer.Serialize(new
        {
            manifest.RunId,
            manifest.Status,
            ExitCode = exitCode,
            Experiment = manifest.Experiment.Name,
            RunFolder,
            ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 1),
            Models = manifest.Models?.Names,
            RunsPerModel = manifest.Models?.RunsPerModel,
            Stages = manifest.Stages.Select(s => new { s.Name, s.Status, s.TasksTotal, s.TasksSucceeded, s.TasksFailed, s.DurationMs }),
            manifest.Cost,
            manifest.Failures,
            manifest.Error,
            Pretest = Full(manifest.Outputs.Pretest),
            Report = Full(manifest.Outputs.ReportMarkdown),
            ReportHtml = Full(manifest.Outputs.ReportHtml),
            Statistics = Full(manifest.Outputs.Statistics),
            Exports = manifest.Outputs.Exports.Select(e => Path.Combine(RunFolder, e)),
        }, DiscernusJson.Indented);
    }
}

/// <summary>How a run ended, in the four kinds that have their own exit code.</summary>
public enum RunEndKind
{
    Completed,
    CompletedWithFailures,
    Cancelled,
    Failed,
}

/// <summary>One dimension of the pre-test: how many documents it scored, their mean, spread and range, and whether it discriminates.</summary>
public sealed record PretestRow(string Model, string Dimension, string Scored, string Mean, string Sd, string Range, bool Discriminates);

/// <summary>The pre-test's findings as the end of `run` shows them: the spread per dimension, quotes, failures, cost and verdict.</summary>
public sealed record PretestView(string Title, bool SeveralModels, IReadOnlyList<PretestRow> Rows, string Summary, IReadOnlyList<string> Notes, int StopReasons, string Details)
{
    /// <summary>Set instead of the rest when the pre-test report cannot be read.</summary>
    public string? Unreadable { get; init; }

    public static PretestView? Read(string runFolder, string? relative)
    {
        if (relative is null || !File.Exists(Path.Combine(runFolder, relative)))
        {
            return null;
        }

        PretestReport? report;
        try
        {
            report = JsonSerializer.Deserialize<PretestReport>(File.ReadAllBytes(Path.Combine(runFolder, relative)), DiscernusJson.Indented);
        }
        catch (JsonException ex)
        {
            return new PretestView("", false, [], "", [], 0, relative) { Unreadable = $"The pre-test report {relative} cannot be read ({ex.Message})." };
        }

        if (report is null)
        {
            return null;
        }

        var inv = CultureInfo.InvariantCulture;
        var several = report.Models.Count > 1;
        var rows = report.Dimensions.Select(d => new PretestRow(d.Model, d.Dimension, $"{d.Scored}/{d.Scored + d.NotScored}", Number(d.Mean), Number(d.StandardDeviation),
            d.Min is { } min ? $"{Number(min)}–{Number(d.Max)}" : "—", d.Discriminates)).ToList();
        var quotes = report.VerifiedQuoteRate is { } rate ? string.Create(inv, $"{report.VerifiedQuotes}/{report.Quotes} evidence quotes verified ({rate:P0})") : "no evidence quoted";
        var tokens = string.Join(", ", report.Models.Select(m => string.Create(inv, $"{m.PromptTokensPerDocument + m.CompletionTokensPerDocument:0} tokens/document{(several ? " (" + m.Model + ")" : "")}")));
        var cost = report.ExtrapolatedUsd is { } usd ? usd.ToString("$0.0000", inv) : "unknown";
        return new PretestView($"PRE-TEST: {report.SampleDocuments} of {report.CorpusDocuments} documents (seed {report.Seed})", several, rows,
            string.Create(inv, $"  {report.Failed}/{report.Tasks} answers failed; {quotes}; {tokens}; extrapolated cost of the whole run {cost}{(report.BudgetUsd is { } b ? $" (budget ${b})" : "")}."),
            report.Notes, report.StopReasons.Count, Path.ChangeExtension(relative, ".md"));

        static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";
    }
}
