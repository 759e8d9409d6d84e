using Discernus.Models;
using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class ReliabilityCalculatorTests
{
    private static AnalysisRecord Reading(string document, string model, int run, double hope) =>
        Record(document, new Dictionary<string, DimensionValues> { ["hope"] = new(hope, 0.5, 0.5) }, model: model, run: run);

    [Fact]
    public void OneModelOneRun_HasNothingToCompare()
    {
        Assert.Null(ReliabilityCalculator.Compute([Reading("a", "m", 1, 0.2), Reading("b", "m", 1, 0.4)], ["hope"]));
    }

    [Fact]
    public void RunsOfAModel_AreComparedAsCoders_WithTheReferenceStatistics()
    {
        // Three documents read twice: (0.1, 0.2), (0.5, 0.5), (0.9, 0.7).
        var records = new[] { ("a", 0.1, 0.2), ("b", 0.5, 0.5), ("c", 0.9, 0.7) }
            .SelectMany(d => new[] { Reading(d.Item1, "m", 1, d.Item2), Reading(d.Item1, "m", 2, d.Item3) })
            .ToList();

        var comparison = Assert.Single(ReliabilityCalculator.Compute(records, ["hope"])!.Comparisons);

        Assert.Equal(("runs", "runs of m"), (comparison.Kind, comparison.Label));
        Assert.Equal(["1", "2"], comparison.Coders);
        var hope = Assert.Single(comparison.Dimensions);
        Assert.Equal(3, hope.Documents);
        Assert.Equal(AgreementStatistics.KrippendorffAlphaInterval([[0.1, 0.2], [0.5, 0.5], [0.9, 0.7]]), hope.Alpha);
        Assert.Equal(AgreementStatistics.Icc21([[0.1, 0.2], [0.5, 0.5], [0.9, 0.7]]), hope.Icc);
        Assert.Equal(0.1, hope.MeanAbsoluteDifference!.Value, 12);
        Assert.Equal(AgreementStatistics.LinCcc([0.1, 0.5, 0.9], [0.2, 0.5, 0.7]), hope.Ccc);
        Assert.False(hope.Unreliable);
    }

    [Fact]
    public void Models_AreComparedOnTheMeanOfTheirRuns_AndDisagreementIsFlagged()
    {
        var records = new List<AnalysisRecord>
        {
            Reading("a", "x", 1, 0.1), Reading("a", "x", 2, 0.3), Reading("a", "y", 1, 0.9),
            Reading("b", "x", 1, 0.9), Reading("b", "x", 2, 0.7), Reading("b", "y", 1, 0.1),
            Reading("c", "x", 1, 0.5), Reading("c", "x", 2, 0.5), Reading("c", "y", 1, 0.5),
        };

        var summary = ReliabilityCalculator.Compute(records, ["hope"])!;

        var models = Assert.Single(summary.Comparisons, c => c.Kind == "models");
        Assert.Equal(["x", "y"], models.Coders);
        var hope = Assert.Single(models.Dimensions);
        // x reads 0.2, 0.8, 0.5 (its runs averaged); y reads 0.9, 0.1, 0.5: opposite, so alpha is negative.
        Assert.Equal(AgreementStatistics.KrippendorffAlphaInterval([[0.2, 0.9], [0.8, 0.1], [0.5, 0.5]])!.Value, hope.Alpha!.Value, 12);
        Assert.True(hope.Alpha < 0);
        Assert.True(hope.Unreliable);
        Assert.Equal(0.67, summary.Threshold);
    }

    [Fact]
    public void RunsOfADeterministicModel_AreIdenticalByConstruction_AndGetNoAlpha()
    {
        var records = new[] { ("a", 0.1), ("b", 0.5), ("c", 0.9) }
            .SelectMany(d => new[] { Reading(d.Item1, "lexicon", 1, d.Item2), Reading(d.Item1, "lexicon", 2, d.Item2) })
            .ToList();

        var comparison = Assert.Single(ReliabilityCalculator.Compute(records, ["hope"])!.Comparisons);

        Assert.Equal(AgreementComparison.IdenticalByConstruction, comparison.Identical);
        var hope = Assert.Single(comparison.Dimensions);
        Assert.Equal(3, hope.Documents);
        Assert.Null(hope.Alpha);
        Assert.Null(hope.Icc);
        Assert.Null(hope.Ccc);
        Assert.False(hope.Unreliable);
        Assert.Contains("\"identical\": \"by_construction\"", StatisticsCalculator.Compute(records, ["hope"]).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheDeterministicModels_AreTheCallersToName_AndByDefaultTheOfflineModels()
    {
        Assert.All(ReliabilityCalculator.DeterministicModels, m => Assert.True(ModelName.IsOffline(m), m));
        Assert.Contains(ModelName.LexiconName, ReliabilityCalculator.DeterministicModels);
        Assert.Contains(ModelName.MiniLMName, ReliabilityCalculator.DeterministicModels);

        var records = new[] { Reading("a", "lexicon", 1, 0.1), Reading("a", "lexicon", 2, 0.3), Reading("b", "lexicon", 1, 0.6), Reading("b", "lexicon", 2, 0.8) }.ToList();
        var asHosted = Assert.Single(ReliabilityCalculator.Compute(records, ["hope"], new HashSet<string>())!.Comparisons);
        Assert.Null(asHosted.Identical);
        Assert.NotNull(asHosted.Dimensions[0].Alpha);
    }

    [Fact]
    public void AHostedModelWhoseRunsAreIdentical_IsFlagged_NotPresentedAsIndependentReadings()
    {
        var records = new[] { ("a", 0.1), ("b", 0.5), ("c", 0.9) }
            .SelectMany(d => new[] { Reading(d.Item1, "openai/gpt-4o", 1, d.Item2), Reading(d.Item1, "openai/gpt-4o", 2, d.Item2) })
            .ToList();

        var comparison = Assert.Single(ReliabilityCalculator.Compute(records, ["hope"])!.Comparisons);

        Assert.Equal(AgreementComparison.IdenticalInEveryRun, comparison.Identical);
        Assert.Equal(1.0, comparison.Dimensions[0].Alpha!.Value, 12);

        var varying = records.Select(r => r.Run == 2 && r.DocumentName == "a.txt" ? r with { Dimensions = new Dictionary<string, DimensionValues> { ["hope"] = new(0.15, 0.5, 0.5) } } : r).ToList();
        Assert.Null(Assert.Single(ReliabilityCalculator.Compute(varying, ["hope"])!.Comparisons).Identical);
    }
}
