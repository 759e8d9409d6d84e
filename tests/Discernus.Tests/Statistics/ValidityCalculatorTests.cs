using Discernus.Experiments;
using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;
using static Discernus.Tests.Statistics.ValidityTestData;

namespace Discernus.Tests.Statistics;

public sealed class ValidityCalculatorTests
{
    private static readonly ValiditySettings Defaults = new();

    // The data set of Reference/validity_reference.py: 13 coded documents, coders A–E with missing cells, A rating d01
    // twice, d13 coded by A alone, E sharing only two documents; the model has ties, two runs on d02, and scores an
    // uncoded d14. A second dimension, arousal, has no gold at all.
    private static readonly (string Document, string Coder, double Score)[] ReferenceRows =
    [
        ("d01", "A", 0.2), ("d01", "A", 0.3), ("d01", "B", 0.3), ("d01", "D", 0.25),
        ("d02", "A", 0.5), ("d02", "B", 0.6), ("d02", "C", 0.55),
        ("d03", "A", 0.9), ("d03", "B", 0.8), ("d03", "C", 0.85), ("d03", "D", 0.95), ("d03", "E", 0.8),
        ("d04", "A", 0.1), ("d04", "C", 0.2), ("d04", "D", 0.15),
        ("d05", "A", 0.4), ("d05", "B", 0.35),
        ("d06", "B", 0.7), ("d06", "C", 0.65), ("d06", "D", 0.6),
        ("d07", "A", 0.3), ("d07", "B", 0.2), ("d07", "C", 0.4),
        ("d08", "A", 0.6), ("d08", "C", 0.7), ("d08", "D", 0.8),
        ("d09", "A", 0.05), ("d09", "B", 0.1), ("d09", "C", 0.0),
        ("d10", "A", 0.75), ("d10", "B", 0.8), ("d10", "D", 0.7),
        ("d11", "B", 0.45), ("d11", "C", 0.5),
        ("d12", "A", 0.95), ("d12", "B", 0.9), ("d12", "C", 1.0), ("d12", "D", 0.85), ("d12", "E", 0.9),
        ("d13", "A", 0.5),
    ];

    private static readonly (string Document, double Score, int Run)[] ReferenceModel =
    [
        ("d01", 0.3, 1), ("d02", 0.35, 1), ("d02", 0.45, 2), ("d03", 0.7, 1), ("d04", 0.2, 1), ("d05", 0.4, 1),
        ("d06", 0.6, 1), ("d07", 0.35, 1), ("d08", 0.5, 1), ("d09", 0.1, 1), ("d10", 0.65, 1), ("d11", 0.5, 1),
        ("d12", 0.8, 1), ("d13", 0.45, 1), ("d14", 0.5, 1),
    ];

    private static List<GoldRating> ReferenceGold() => ReferenceRows.Select(r => new GoldRating(r.Document, "valence", r.Score, r.Coder)).ToList();

    private static List<AnalysisRecord> ReferenceRecords() => ReferenceModel
        .Select(m => Record(m.Document, new Dictionary<string, DimensionValues> { ["valence"] = new(m.Score, 0.5, 0.8), ["arousal"] = new(0.5, 0.5, 0.8) }, model: "lexicon", run: m.Run))
        .ToList();

    private static ValiditySummary Reference(ValiditySettings? settings = null) =>
        ValidityCalculator.Compute(ReferenceRecords(), ["valence", "arousal"], ReferenceGold(), settings ?? Defaults)!;

    [Fact]
    public void ModelAgreement_MatchesTheIndependentReference()
    {
        // python3 tests/Discernus.Tests/Statistics/Reference/validity_reference.py (exact fractions, mpmath square roots).
        var valence = Reference().Dimension("valence")!;

        var row = Assert.Single(valence.Models);
        Assert.Equal(("lexicon", ModelAgreement.Raw), (row.Model, row.Scores));
        var m = row.Metrics;
        Assert.Equal(13, m.Documents);
        Assert.Equal(0.96834070528916168, m.Pearson.Value!.Value, 12);
        Assert.Equal(0.95592649230208148, m.Spearman.Value!.Value, 12);
        Assert.Equal(0.90707930801716706, m.Ccc.Value!.Value, 12);
        Assert.Equal(0.081794871794871795, m.MeanAbsoluteError.Value!.Value, 12);
        Assert.Equal(0.93335715379511, m.Alpha.Value!.Value, 12);
        Assert.Equal(0.45769230769230769, m.Mean!.Value, 12);
        Assert.Equal(0.50358974358974359, m.CodersMean!.Value, 12);
    }

    [Fact]
    public void Ceiling_IsEachCoderAgainstTheMeanOfTheOthers()
    {
        // Same script: r, ρ and CCC averaged over coders A–D weighted by their 10, 10, 9 and 7 shared documents (E has
        // two, too few), the error over all five; alpha among the coders alone; d13 (one coder) is not shared.
        var valence = Reference().Dimension("valence")!;

        var ceiling = valence.Ceiling!;
        Assert.Equal(12, ceiling.Documents);
        Assert.Equal(0.96681047461029876, ceiling.Pearson.Value!.Value, 12);
        Assert.Equal(0.9671589089991696, ceiling.Spearman.Value!.Value, 12);
        Assert.Equal(0.9644285255475007, ceiling.Ccc.Value!.Value, 12);
        Assert.Equal(0.059210526315789474, ceiling.MeanAbsoluteError.Value!.Value, 12);
        Assert.Equal(0.95680845399250445, ceiling.Alpha.Value!.Value, 12);
        Assert.Equal(0.50388888888888889, ceiling.CodersMean!.Value, 12);
        Assert.Equal(1.0015827617915287, valence.Models[0].RatioToCeiling.Value!.Value, 12);
        Assert.False(valence.CeilingPooled);
    }

    [Fact]
    public void CoderTable_MatchesTheReference_WithTheBusiestCodersFirst()
    {
        var summary = Reference();

        Assert.Equal(["A", "B", "C", "D", "E"], summary.Coders.Select(c => c.Coder));
        Assert.Equal(0, summary.CodersNotListed);
        var a = summary.Coders[0];
        // A rated 11 documents in 12 rows (d01 twice); r and error are on the 10 shared with another coder.
        Assert.Equal((11, 12), (a.Documents, a.Ratings));
        Assert.Equal(0.97931589031478756, a.Pearson!.Value, 12);
        Assert.Equal(0.04625, a.MeanAbsoluteDifference!.Value, 12);
        Assert.Equal(0.94985070494760997, summary.Coders[3].Pearson!.Value, 12);
        var e = summary.Coders[4];
        Assert.Null(e.Pearson);
        Assert.Equal(0.05, e.MeanAbsoluteDifference!.Value, 12);
    }

    [Fact]
    public void Coverage_CountsTheCodedDocumentsOfTheAnalysedCorpus()
    {
        var gold = ReferenceGold();
        gold.Add(new GoldRating("not-analysed", "valence", 0.5, "A"));
        gold.Add(new GoldRating("d01", "not-in-the-framework", 0.5, "F"));

        var coverage = ValidityCalculator.Compute(ReferenceRecords(), ["valence", "arousal"], gold, Defaults)!.Gold;

        Assert.Equal(new GoldCoverage(13, 14, ReferenceRows.Length, 5, 1, 3, 5, ValidityCalculator.SparseDesign), coverage);
    }

    [Fact]
    public void CompleteDesign_IsRecognised()
    {
        var (_, gold) = Coders(30, 3, 3, 0.1, seed: 1);
        var records = Model("m", 30, (_, r) => r.NextDouble(), seed: 2);

        var coverage = ValidityCalculator.Compute(records, ["valence"], gold, Defaults with { BootstrapResamples = 10 })!.Gold;

        Assert.Equal((30, 30, 90, 3, 3, 3.0, 3, ValidityCalculator.CompleteDesign), (coverage.CodedDocuments, coverage.CorpusDocuments, coverage.Ratings, coverage.CoderCount, coverage.MinCodingsPerDocument, coverage.MedianCodingsPerDocument, coverage.MaxCodingsPerDocument, coverage.Design));
    }

    [Fact]
    public void EmptyGold_GivesNoSummary_AndADimensionWithoutGoldIsUnvalidated()
    {
        Assert.Null(ValidityCalculator.Compute(ReferenceRecords(), ["valence"], [], Defaults));

        var arousal = Reference().Dimension("arousal")!;

        Assert.Equal(ValidityStatus.Unvalidated, arousal.Status);
        Assert.Equal(0, arousal.CodedDocuments);
        Assert.Empty(arousal.Models);
        Assert.Null(arousal.Ceiling);
        Assert.Null(arousal.JudgedOn);
    }

    [Fact]
    public void Output_DoesNotDependOnTheOrderOfTheInput()
    {
        var shuffled = new Random(5);
        var gold = ReferenceGold().OrderBy(_ => shuffled.Next()).ToList();
        var records = ReferenceRecords().OrderBy(_ => shuffled.Next()).ToList();

        var summary = ValidityCalculator.Compute(records, ["valence", "arousal"], gold, Defaults)!;

        Assert.Equal(Reference().Dimension("valence")!.Models[0], summary.Dimension("valence")!.Models[0]);
        Assert.Equal(Reference().Dimension("valence")!.Ceiling, summary.Dimension("valence")!.Ceiling);
    }

    [Fact]
    public void Bootstrap_IsIdenticalForTheSameSeed_AndDiffersForAnother()
    {
        var first = Reference().Dimension("valence")!;
        var again = Reference().Dimension("valence")!;
        var other = Reference(Defaults with { Seed = Defaults.Seed + 1 }).Dimension("valence")!;

        Assert.Equal(first.Models[0], again.Models[0]);
        Assert.Equal(first.Ceiling, again.Ceiling);
        Assert.NotEqual(first.Models[0].Metrics.Pearson, other.Models[0].Metrics.Pearson);
        Assert.NotEqual(first.Ceiling!.Alpha, other.Ceiling!.Alpha);
        Assert.Equal(first.Models[0].Metrics.Pearson.Value, other.Models[0].Metrics.Pearson.Value);
    }

    [Fact]
    public void Bootstrap_IntervalsContainThePointEstimates()
    {
        var (truth, gold) = Coders(300, 5, 5, 0.12, seed: 11);
        var records = Model("m", 300, (d, r) => Math.Clamp(truth[d] + (0.15 * Normal(r)), 0, 1), seed: 12);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!;

        var model = valence.Models[0];
        var estimates = new[] { model.Metrics, valence.Ceiling! }
            .SelectMany(m => new[] { m.Pearson, m.Spearman, m.Ccc, m.MeanAbsoluteError, m.Alpha })
            .Append(model.RatioToCeiling)
            .ToList();
        Assert.Equal(11, estimates.Count);
        Assert.All(estimates, e =>
        {
            Assert.NotNull(e.Lower);
            Assert.InRange(e.Value!.Value, e.Lower!.Value, e.Upper!.Value);
            Assert.True(e.Upper > e.Lower);
        });
    }

    [Fact]
    public void Bootstrap_IntervalOfR_IsAsWideAsNormalTheoryPredicts()
    {
        // For n pairs the standard error of r is about (1 − r²)/√n, so a 95 % interval spans about 2 · 1.96 of it.
        const int n = 2000;
        var (truth, gold) = Coders(n, 3, 3, 0.1, seed: 21, truth: r => 0.5 + (0.15 * Normal(r)));
        var records = Model("m", n, (d, r) => truth[d] + (0.2 * Normal(r)), seed: 22);

        var pearson = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!.Models[0].Metrics.Pearson;

        var r = pearson.Value!.Value;
        var expected = 2 * 1.96 * (1 - (r * r)) / Math.Sqrt(n);
        Assert.InRange(pearson.Upper!.Value - pearson.Lower!.Value, 0.8 * expected, 1.2 * expected);
        Assert.InRange(r, 0.45, 0.65);
    }

    [Fact]
    public void PureNoise_IsNotValidated_AndTheReasonNamesTheNumbers()
    {
        var (_, gold) = Coders(300, 5, 5, 0.12, seed: 31);
        var records = Model("noise", 300, (_, r) => r.NextDouble(), seed: 32);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!;

        Assert.Equal(ValidityStatus.NotValidated, valence.Status);
        var model = valence.Models[0].Metrics.Pearson;
        Assert.True(model.Lower <= 0);
        Assert.Equal(("noise", ModelAgreement.Raw), (valence.JudgedOn, valence.JudgedScores));
        Assert.Matches(@"^model–human r −?0\.\d\d \[−?0\.\d\d, −?0\.\d\d\] vs ceiling 0\.\d\d: no evidence it measures anything the coders see$", valence.Reason);
        Assert.Contains(Number(valence.Ceiling!.Pearson.Value!.Value), valence.Reason, StringComparison.Ordinal);
        Assert.Contains(Number(model.Value!.Value), valence.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelCloseToTheCodersMean_IsValidated()
    {
        var (_, gold) = Coders(300, 5, 5, 0.12, seed: 41);
        var means = CodersMean(300, gold);
        var records = Model("good", 300, (d, r) => Math.Clamp(means[d] + (0.02 * Normal(r)), 0, 1), seed: 42);

        var summary = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!;
        var valence = summary.Dimension("valence")!;

        Assert.Equal(ValidityStatus.Validated, valence.Status);
        Assert.Null(valence.ScaleMismatch);
        Assert.Same(valence.Models[0], valence.JudgedReading());
        Assert.True(valence.Models[0].RatioToCeiling.Upper >= Defaults.MinRatio);
        Assert.Matches(@"^model–human r [01]\.\d\d \[[01]\.\d\d, [01]\.\d\d\] vs ceiling 0\.\d\d: ratio \d\.\d\d \[\d\.\d\d, \d\.\d\d\], not credibly below 0\.8$", valence.Reason);
        Assert.Contains("at least 20 coded documents", summary.Rule, StringComparison.Ordinal);
        Assert.Contains("reaches 0.8", summary.Rule, StringComparison.Ordinal);
        Assert.Contains("1,000 resamples, seed 20240601", summary.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void WeakModel_IsNotValidated_WhenCrediblyBelowTheCeiling()
    {
        var (truth, gold) = Coders(300, 5, 5, 0.05, seed: 51);
        var records = Model("weak", 300, (d, r) => Math.Clamp(truth[d] + (0.45 * Normal(r)), 0, 1), seed: 52);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!;

        Assert.Equal(ValidityStatus.NotValidated, valence.Status);
        Assert.True(valence.Models[0].Metrics.Pearson.Lower > 0);
        Assert.True(valence.Models[0].RatioToCeiling.Upper < 0.8);
        Assert.EndsWith("credibly below 0.8", valence.Reason, StringComparison.Ordinal);
        Assert.Contains(": ratio ", valence.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TenCodedDocuments_AreTooFew()
    {
        var (_, gold) = Coders(10, 5, 5, 0.12, seed: 61);
        var means = CodersMean(10, gold);
        var records = Model("good", 300, (d, r) => d < 10 ? means[d] : r.NextDouble(), seed: 62);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!;

        Assert.Equal(ValidityStatus.NotValidated, valence.Status);
        Assert.Equal(10, valence.CodedDocuments);
        Assert.Equal("10 coded documents; at least 20 are needed to judge agreement", valence.Reason);
    }

    [Fact]
    public void CodersWhoDoNotAgree_AreNoHumanStandard()
    {
        // The second coder reads the scale upside down: there is nothing for a model to reach.
        var (_, first) = Coders(100, 1, 1, 0.1, seed: 71);
        var gold = first.Concat(first.Select(g => g with { Score = 1 - g.Score, Coder = "upside-down" })).ToList();
        var records = Model("m", 100, (_, r) => r.NextDouble(), seed: 73);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!;

        Assert.Equal(ValidityStatus.NotValidated, valence.Status);
        Assert.True(valence.Ceiling!.Pearson.Value <= 0);
        Assert.StartsWith("no human standard: the coders do not agree (r ", valence.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RightOrderWrongScale_IsFlaggedAsAScaleMismatch()
    {
        var (truth, gold) = Coders(300, 5, 5, 0.12, seed: 81);
        var records = Model("tenth", 300, (d, _) => truth[d] * 0.1, seed: 82);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!;

        var metrics = valence.Models[0].Metrics;
        Assert.True(metrics.Pearson.Value > 0.8);
        Assert.True(metrics.Ccc.Value < metrics.Pearson.Value / 2);
        Assert.NotNull(valence.ScaleMismatch);
        Assert.StartsWith($"scale mismatch: model mean {Number(metrics.Mean!.Value)} vs coders' mean {Number(metrics.CodersMean!.Value)} (individual coders ", valence.ScaleMismatch, StringComparison.Ordinal);
        Assert.Contains($"CCC {Number(metrics.Ccc.Value!.Value)} vs r {Number(metrics.Pearson.Value!.Value)}", valence.ScaleMismatch, StringComparison.Ordinal);
        Assert.Contains("`calibration: gold` or `run --calibrate`", valence.ScaleMismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void OfflineModelsOnAValenceCorpus_ReproduceTheRealScaleMismatch()
    {
        // The real case: 0.5 = neutral, the coders' mean 0.46; two offline models score "how much positive feeling"
        // (means 0.06 and 0.09) and agree weakly with the coders (r 0.22–0.24) while CCC is 0.06.
        var (truth, gold) = Coders(600, 5, 5, 0.15, seed: 91, truth: r => Math.Clamp(0.46 + (0.2 * Normal(r)), 0, 1));
        double Positive(int d, Random r, double mean) => Math.Clamp(mean + (0.08 * (truth[d] - 0.46)) + (0.1 * Normal(r)), 0, 1);
        var records = Model("lexicon", 600, (d, r) => Positive(d, r, 0.04), seed: 92)
            .Concat(Model("minilm", 600, (d, r) => Positive(d, r, 0.07), seed: 93))
            .ToList();

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!.Dimension("valence")!;

        Assert.Equal((ModelAgreement.AllModels, ModelAgreement.Raw), (valence.JudgedOn, valence.JudgedScores));
        Assert.All(valence.Models, m => Assert.InRange(m.Metrics.Mean!.Value, 0.04, 0.1));
        var judged = valence.JudgedReading()!;
        Assert.InRange(judged.Metrics.Pearson.Value!.Value, 0.12, 0.35);
        Assert.InRange(judged.Metrics.Ccc.Value!.Value, 0.0, 0.1);
        Assert.Equal(0.46, judged.Metrics.CodersMean!.Value, 1);
        Assert.StartsWith($"scale mismatch: models' mean 0.0", valence.ScaleMismatch, StringComparison.Ordinal);
        Assert.Contains($"vs coders' mean {Number(judged.Metrics.CodersMean!.Value)}", valence.ScaleMismatch, StringComparison.Ordinal);
        Assert.EndsWith("or state the scale in the dimension's description (e.g. 0.5 = neutral)", valence.ScaleMismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralModels_AddTheirMean_WhichTheGateJudges()
    {
        var (truth, gold) = Coders(100, 3, 3, 0.1, seed: 101);
        var records = Model("a", 100, (d, r) => Math.Clamp(truth[d] + (0.1 * Normal(r)), 0, 1), seed: 102)
            .Concat(Model("b", 100, (_, r) => r.NextDouble(), seed: 103))
            .ToList();

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults with { BootstrapResamples = 200 })!.Dimension("valence")!;

        Assert.Equal(["a", "b", ModelAgreement.AllModels], valence.Models.Select(m => m.Model));
        Assert.Equal(ModelAgreement.AllModels, valence.JudgedOn);
        // The mean of a and b per document, as the corpus statistics average them.
        var mean = Enumerable.Range(0, 100).Select(d => (records[d].Dimensions["valence"].Score!.Value + records[100 + d].Dimensions["valence"].Score!.Value) / 2).ToArray();
        var coders = CodersMean(100, gold);
        Assert.Equal(HypothesisTests.Pearson(mean, coders).Statistic!.Value, valence.Models[2].Metrics.Pearson.Value!.Value, 12);
    }

    [Fact]
    public void Calibrated_RowsAreLabelled_AndTheGateJudgesTheCalibratedReading()
    {
        var (truth, gold) = Coders(100, 3, 3, 0.1, seed: 111);
        var raw = Model("m", 100, (d, r) => Math.Clamp((truth[d] * 0.1) + (0.02 * Normal(r)), 0, 1), seed: 112);
        var calibrated = raw.Select(r => r with { Dimensions = new Dictionary<string, DimensionValues> { ["valence"] = new(r.Dimensions["valence"].Score * 10, 0.5, 0.8) } }).ToList();

        var valence = ValidityCalculator.Compute(calibrated, ["valence"], gold, Defaults with { BootstrapResamples = 200 }, raw)!.Dimension("valence")!;

        Assert.Equal([("m", ModelAgreement.Raw), ("m", ModelAgreement.Calibrated)], valence.Models.Select(m => (m.Model, m.Scores)));
        Assert.Equal(("m", ModelAgreement.Calibrated), (valence.JudgedOn, valence.JudgedScores));
        Assert.True(valence.Models[0].Metrics.Mean < 0.1);
        Assert.True(valence.JudgedReading()!.Metrics.Mean > 0.3);
        Assert.Null(valence.ScaleMismatch);
    }

    [Fact]
    public void SparseDesign_Works_AndListsAtMostTwentyCoders()
    {
        var (_, gold) = Coders(300, 200, 5, 0.12, seed: 121);
        var means = CodersMean(300, gold);
        var records = Model("good", 300, (d, r) => Math.Clamp(means[d] + (0.03 * Normal(r)), 0, 1), seed: 122);

        var summary = ValidityCalculator.Compute(records, ["valence"], gold, Defaults)!;

        Assert.Equal(ValidiySparse(summary), (ValidityCalculator.SparseDesign, 200, 5, 5));
        Assert.Equal(ValiditySummary.MaxCodersListed, summary.Coders.Count);
        Assert.Equal(180, summary.CodersNotListed);
        Assert.True(summary.Coders.Zip(summary.Coders.Skip(1)).All(p => p.First.Documents > p.Second.Documents || (p.First.Documents == p.Second.Documents && string.CompareOrdinal(p.First.Coder, p.Second.Coder) < 0)));
        var valence = summary.Dimension("valence")!;
        Assert.False(valence.CeilingPooled);
        Assert.True(valence.Ceiling!.Pearson.Value > 0.5);
        Assert.Equal(ValidityStatus.Validated, valence.Status);

        // Each coder shares about eight documents: the ceiling averages small-sample correlations, whose bias every
        // resample repeats (here its CCC's resamples lie three standard deviations below it); the re-centred interval
        // still contains the estimate.
        var ceiling = valence.Ceiling;
        Assert.All(new[] { ceiling.Pearson, ceiling.Spearman, ceiling.Ccc, ceiling.MeanAbsoluteError, ceiling.Alpha, valence.Models[0].RatioToCeiling }, e =>
            Assert.InRange(e.Value!.Value, e.Lower!.Value, e.Upper!.Value));

        static (string, int, int, int) ValidiySparse(ValiditySummary s) => (s.Gold.Design, s.Gold.CoderCount, s.Gold.MinCodingsPerDocument, s.Gold.MaxCodingsPerDocument);
    }

    [Fact]
    public void CodersWithTooFewDocuments_ArePooledForTheCeiling_AndTheSummarySaysSo()
    {
        // 60 documents, each coded by two coders seen nowhere else: no coder has three documents.
        var (truth, _) = Coders(60, 1, 1, 0, seed: 131);
        var noise = new Random(132);
        var gold = Enumerable.Range(0, 60)
            .SelectMany(d => new[] { 0, 1 }.Select(k => new GoldRating(Id(d), "valence", Math.Clamp(truth[d] + (0.1 * Normal(noise)), 0, 1), $"c{(2 * d) + k}")))
            .ToList();
        var records = Model("m", 60, (d, r) => truth[d], seed: 133);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults with { BootstrapResamples = 200 })!.Dimension("valence")!;

        Assert.True(valence.CeilingPooled);
        // Pooled: each coder against the other one, every pair in one sample.
        var byDocument = gold.GroupBy(g => g.DocumentId).ToList();
        var x = byDocument.SelectMany(g => g.Select(r => r.Score)).ToList();
        var y = byDocument.SelectMany(g => g.Reverse().Select(r => r.Score)).ToList();
        Assert.Equal(HypothesisTests.Pearson(x, y).Statistic!.Value, valence.Ceiling!.Pearson.Value!.Value, 12);
        Assert.NotNull(valence.Ceiling.Pearson.Lower);
    }

    [Fact]
    public void OneCoderPerDocument_IsNoHumanStandard()
    {
        var (truth, gold) = Coders(40, 1, 1, 0.1, seed: 141);
        var records = Model("m", 40, (d, _) => truth[d], seed: 142);

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults with { BootstrapResamples = 50 })!.Dimension("valence")!;

        Assert.Null(valence.Ceiling);
        Assert.Null(valence.Models[0].RatioToCeiling.Value);
        Assert.NotNull(valence.Models[0].Metrics.Pearson.Value);
        Assert.Equal((ValidityStatus.NotValidated, "no human standard: no document was coded by two coders"), (valence.Status, valence.Reason));
    }

    [Fact]
    public void ModelWithoutScoresOnTheCodedDocuments_IsNotValidated()
    {
        var (_, gold) = Coders(40, 3, 3, 0.1, seed: 151);
        var records = Model("m", 40, (_, _) => 0.5, seed: 152)
            .Select(r => r with { Dimensions = new Dictionary<string, DimensionValues> { ["valence"] = new(null, null, null) } })
            .ToList();

        var valence = ValidityCalculator.Compute(records, ["valence"], gold, Defaults with { BootstrapResamples = 50 })!.Dimension("valence")!;

        Assert.Equal(0, valence.Models[0].Metrics.Documents);
        Assert.Equal((ValidityStatus.NotValidated, "model–human r undefined on 0 of 40 coded documents (too few scored, or the scores do not vary)"), (valence.Status, valence.Reason));
    }

    private static string Number(double value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture).Replace("-", "\u2212", StringComparison.Ordinal);
}
