using System.Text.Json;
using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class CorpusStatisticsTests
{
    private static CorpusStatistics Sample() => StatisticsCalculator.Compute(
        [
            Record("a", new Dictionary<string, DimensionValues> { ["hope"] = new(0.2, 0.1, 0.5), ["flat"] = new(0.5, null, null) },
                new Dictionary<string, string> { ["party"] = "x" }, model: "m1",
                derived: new Dictionary<string, double?> { ["net"] = 0.1 }, verified: 2, unverified: 1),
            Record("b", new Dictionary<string, DimensionValues> { ["hope"] = new(0.4, 0.3, null), ["flat"] = new(0.5, null, null) },
                new Dictionary<string, string> { ["party"] = "y" }, model: "m2",
                derived: new Dictionary<string, double?> { ["net"] = null }),
            Record("c", new Dictionary<string, DimensionValues> { ["hope"] = new(0.9, 0.8, 0.9), ["flat"] = new(0.5, null, null) },
                new Dictionary<string, string>(), model: "m1"),
        ],
        ["hope", "flat"],
        ["net"],
        ["party"],
        documentsFailed: 1);

    [Fact]
    public void Json_UsesSnakeCaseNames()
    {
        var json = Sample().ToJson();

        foreach (var name in new[]
                 {
                     "\"counts\"", "\"documents_analysed\"", "\"documents_failed\"", "\"analyses\"", "\"models\"",
                     "\"dimensions\"", "\"mean_salience\"", "\"mean_confidence\"", "\"score\"", "\"n\"", "\"missing\"",
                     "\"mean\"", "\"sd\"", "\"median\"", "\"derived_metrics\"", "\"correlations\"", "\"coefficients\"",
                     "\"groups\"", "\"missing_field\"", "\"model_breakdown\"", "\"evidence\"", "\"unverified\"",
                 })
        {
            Assert.Contains(name, json);
        }

        Assert.DoesNotContain("\"MeanSalience\"", json);
        Assert.DoesNotContain("\"DocumentsAnalysed\"", json);
    }

    [Fact]
    public void Json_HasNullInsteadOfNaN_ForUndefinedValues()
    {
        var statistics = Sample();

        var json = statistics.ToJson();

        Assert.Null(statistics.Correlations.Coefficient("hope", "flat"));
        Assert.DoesNotContain("NaN", json);
        Assert.DoesNotContain("Infinity", json);
        using var document = JsonDocument.Parse(json);
        var flat = document.RootElement.GetProperty("dimensions")[1];
        Assert.Equal("flat", flat.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, flat.GetProperty("mean_salience").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("correlations").GetProperty("coefficients")[0][1].ValueKind);
    }

    [Fact]
    public void Json_RoundTripsWithoutLosingPrecision()
    {
        var statistics = Sample();

        var json = statistics.ToJson();
        var back = CorpusStatistics.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Equal(statistics.Dimension("hope")!.Score, back.Dimension("hope")!.Score);
        Assert.Equal(Math.Sqrt(0.13), back.Dimension("hope")!.Score.Sd!.Value, 15);
        Assert.Equal(statistics.Correlations.Coefficient("hope", "hope"), back.Correlations.Coefficient("hope", "hope"));
        Assert.Equal(["x", "y"], back.Group("party")!.Groups.Select(g => g.Value));
        Assert.Equal(statistics.Evidence, back.Evidence);
    }

    [Fact]
    public void FromJson_RejectsNull()
    {
        Assert.Throws<JsonException>(() => CorpusStatistics.FromJson("null"));
    }
}
