using Discernus.Agents;
using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Tests.Agents;

/// <summary>The compact records a synthesis keeps give exactly the statistics of the results they came from.</summary>
public sealed class AnalysisRecordFactoryTests
{
    private static readonly string[] Dimensions = ["people_centrism", "anti_elitism", "pluralist_tolerance"];
    private static readonly (string Name, string Formula)[] DerivedMetrics =
    [
        ("populism_index", "min(people_centrism, anti_elitism)"),
        ("balance", "populism_index - pluralist_tolerance"),
        ("ratio", "people_centrism / anti_elitism"),
    ];

    [Fact]
    public void CompactRecords_GiveTheSameStatisticsJson_AsRecordsOfTheWholeResults()
    {
        var results = RunExportsTests.VariedResults(150);
        var factory = new AnalysisRecordFactory();

        var expected = Statistics(results.Select(InMemorySynthesisReference.ToRecord).ToList(), null);
        var actual = Statistics(results.Select(factory.Create).ToList(), null);

        Assert.Equal(expected, actual);
        Assert.Contains("\"reliability\"", actual, StringComparison.Ordinal);
    }

    [Fact]
    public void CompactRecords_GiveTheSameFilteredStatistics_AsRecordsOfTheWholeResults()
    {
        var results = RunExportsTests.VariedResults(150);
        var factory = new AnalysisRecordFactory();
        var filtering = new ReliabilityFiltering(0.3, 0.2, null, null);

        var expected = Statistics(results.Select(InMemorySynthesisReference.ToRecord).ToList(), filtering);
        var actual = Statistics(results.Select(factory.Create).ToList(), filtering);

        Assert.Equal(expected, actual);
        Assert.Contains("\"filtering\"", actual, StringComparison.Ordinal);
    }

    [Fact]
    public void CompactRecords_AgreeWithCodersAsTheWholeResults()
    {
        var results = RunExportsTests.VariedResults(90);
        var factory = new AnalysisRecordFactory();
        var random = new Random(3);
        var gold = results.Select(r => r.CorpusDocumentId).Distinct().SelectMany(id => Dimensions.SelectMany(d => new[]
        {
            new Discernus.Experiments.GoldRating(id, d, Math.Round(random.NextDouble(), 2), "coder_a"),
            new Discernus.Experiments.GoldRating(id, d, Math.Round(random.NextDouble(), 2), "coder_b"),
        })).ToList();
        var settings = new Discernus.Experiments.ValiditySettings(BootstrapResamples: 100);

        var expected = ValidityCalculator.Compute(results.Select(InMemorySynthesisReference.ToRecord).ToList(), Dimensions, gold, settings);
        var actual = ValidityCalculator.Compute(results.Select(factory.Create).ToList(), Dimensions, gold, settings);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), System.Text.Json.JsonSerializer.Serialize(actual));
        Assert.NotEmpty(actual!.Dimensions);
    }

    [Fact]
    public void ACompactRecord_ReadsLikeADictionary_AndKeepsTheResultsOrder()
    {
        var factory = new AnalysisRecordFactory();
        var first = factory.Create(RunExportsTests.VariedResults(1)[0]);
        var result = RunExportsTests.VariedResults(3)[2];

        var record = factory.Create(result);

        Assert.Equal(result.Metadata.Keys, record.Metadata.Keys);
        Assert.Equal(result.FrameworkAnalysis.Keys, record.Dimensions.Keys);
        Assert.Equal(result.DerivedMetrics, record.DerivedMetrics);
        Assert.Equal(result.DerivedMetrics.Count, record.DerivedMetrics.Count);
        Assert.False(record.Dimensions.ContainsKey("no_such_dimension"));
        Assert.False(first.Metadata.TryGetValue("no_such_field", out _));
        Assert.Throws<KeyNotFoundException>(() => record.Metadata["no_such_field"]);
        foreach (var (name, score) in result.FrameworkAnalysis)
        {
            Assert.Equal(new DimensionValues(score.Score, score.Salience, score.Confidence), record.Dimensions[name]);
        }

        Assert.Equal(result.FrameworkAnalysis.Values.Sum(d => d.Evidence.Count(e => e.Verified)), record.VerifiedEvidence);
        Assert.Equal(result.FrameworkAnalysis.Values.Sum(d => d.Evidence.Count(e => !e.Verified)), record.UnverifiedEvidence);
    }

    [Fact]
    public void MissingNumbers_StayMissing_AndNotANumber_StaysNotANumber()
    {
        var result = RunExportsTests.VariedResults(1)[0] with
        {
            Metadata = new Dictionary<string, string> { ["era"] = "founding", ["note"] = null! },
            FrameworkAnalysis = new Dictionary<string, DimensionScore> { ["hope"] = new() { Score = 0.25, Salience = null, Confidence = double.NaN } },
            DerivedMetrics = new Dictionary<string, double?> { ["a"] = null, ["b"] = double.NaN, ["c"] = double.NegativeInfinity, ["d"] = -0.0 },
        };

        var record = new AnalysisRecordFactory().Create(result);

        Assert.Equal(new DimensionValues(0.25, null, double.NaN), record.Dimensions["hope"]);
        Assert.Null(record.DerivedMetrics["a"]);
        Assert.True(double.IsNaN(record.DerivedMetrics["b"]!.Value));
        Assert.Equal(double.NegativeInfinity, record.DerivedMetrics["c"]);
        Assert.True(double.IsNegative(record.DerivedMetrics["d"]!.Value));
        Assert.Null(record.Metadata["note"]);
        Assert.Equal("founding", record.Metadata["era"]);
    }

    [Fact]
    public void RecordsWithTheSameMetadata_ShareIt_AndOthersKeepTheirOwn()
    {
        var factory = new AnalysisRecordFactory();
        var results = RunExportsTests.VariedResults(40);

        var records = results.Select(factory.Create).ToList();

        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(results[i].Metadata.OrderBy(kv => kv.Key), records[i].Metadata.OrderBy(kv => kv.Key));
            var twin = results.FindIndex(r => r.Metadata.Count == results[i].Metadata.Count && r.Metadata.All(kv => results[i].Metadata.TryGetValue(kv.Key, out var v) && v == kv.Value)
                && r.Metadata.Keys.SequenceEqual(results[i].Metadata.Keys));
            Assert.Same(records[twin].Metadata, records[i].Metadata);
        }
    }

    [Fact]
    public void ADocumentWhoseIdIsItsFileName_KeepsOneStringForBoth()
    {
        // A corpus that names no ids uses the file names; read from JSON, the two are equal copies.
        var factory = new AnalysisRecordFactory();
        var result = RunExportsTests.VariedResults(1)[0];
        var named = result with { DocumentName = new string("a.txt".AsSpan()), CorpusDocumentId = new string("a.txt".AsSpan()) };
        var distinct = result with { DocumentName = "a.txt", CorpusDocumentId = "a" };

        var record = factory.Create(named);
        var other = factory.Create(distinct);

        Assert.Equal("a.txt", record.CorpusDocumentId);
        Assert.Same(record.DocumentName, record.CorpusDocumentId);
        Assert.Equal(("a.txt", "a"), (other.DocumentName, other.CorpusDocumentId));
    }

    private static string Statistics(List<AnalysisRecord> records, ReliabilityFiltering? filtering)
    {
        var (filtered, summary) = ReliabilityFilter.Apply(records, Dimensions, DerivedMetrics, filtering, null);
        return (StatisticsCalculator.Compute(filtered, Dimensions, DerivedMetrics.Select(m => m.Name).ToList(), ["era", "party"], 2) with { Filtering = summary }).ToJson();
    }
}
