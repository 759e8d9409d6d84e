using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Discernus.Calibration;
using Discernus.Experiments;
using Discernus.Statistics;
using Xunit.Abstractions;
using static Discernus.Tests.Calibration.CalibrationTestData;

namespace Discernus.Tests.Calibration;

public sealed class RunCalibrationTests(ITestOutputHelper output)
{
    private const string Hosted = "openai/gpt-4o";
    private const string Offline = "lexicon";
    private const string Uncoded = "anthropic/claude-sonnet-4";
    private const int Documents = 80;
    private const int CodedDocuments = 40;

    private static readonly string[] Dimensions = ["hope", "fear"];

    /// <summary>
    /// 80 documents; the hosted model reads hope on a squeezed scale (two runs), the lexicon squares it (one run, with
    /// features), a third model analysed only uncoded documents. Coders A and B coded hope on the first 40 documents
    /// (A coded document 0 twice); nobody coded fear.
    /// </summary>
    private static (List<AnalysisRecord> Records, List<GoldRating> Gold, double[] Truth, Dictionary<string, float[]> Features) Corpus(int seed = 1)
    {
        var random = new Random(seed);
        var truth = Truth(random, Documents);
        var records = new List<AnalysisRecord>();
        var features = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var d = 0; d < Documents; d++)
        {
            features[$"hash{d}"] = [(float)(truth[d] + (0.05 * Normal(random))), (float)Normal(random), (float)Normal(random)];
            for (var run = 1; run <= 2; run++)
            {
                records.Add(Record(Hosted, d, run, Clip(0.2 + (0.5 * truth[d]) + (0.03 * Normal(random))), random.NextDouble()));
            }

            records.Add(Record(Offline, d, 1, truth[d] * truth[d], random.NextDouble()));
            if (d >= CodedDocuments)
            {
                records.Add(Record(Uncoded, d, 1, random.NextDouble(), random.NextDouble()));
            }
        }

        var gold = new List<GoldRating>();
        for (var d = 0; d < CodedDocuments; d++)
        {
            gold.Add(new GoldRating(Id(d), "hope", Clip(truth[d] + (0.05 * Normal(random))), "A"));
            gold.Add(new GoldRating(Id(d), "hope", Clip(truth[d] + (0.05 * Normal(random))), "B"));
        }

        gold.Add(new GoldRating(Id(0), "hope", 0.5, "A"));
        return (records, gold, truth, features);
    }

    private static AnalysisRecord Record(string model, int document, int run, double? hope, double? fear) => new()
    {
        DocumentName = $"{Id(document)}.txt",
        CorpusDocumentId = Id(document),
        DocumentHash = $"hash{document}",
        Model = model,
        Run = run,
        Metadata = new Dictionary<string, string> { ["group"] = document % 2 == 0 ? "a" : "b" },
        Dimensions = new Dictionary<string, DimensionValues>
        {
            ["hope"] = new(hope, 0.4, 0.7),
            ["fear"] = new(fear, 0.3, 0.6),
        },
        DerivedMetrics = new Dictionary<string, double?> { ["balance"] = 0.1 },
        VerifiedEvidence = 2,
        UnverifiedEvidence = 1,
    };

    /// <summary>Features for the lexicon (by document hash), none for hosted models; every request counted.</summary>
    private sealed class FeatureLog(Dictionary<string, float[]> features)
    {
        public ConcurrentDictionary<(string Model, string Document), int> Calls { get; } = new();

        public Task<DocumentFeatureVector?> FeaturesAsync(string model, AnalysisRecord record, CancellationToken cancellationToken)
        {
            Calls.AddOrUpdate((model, record.DocumentKey), 1, (_, n) => n + 1);
            return Task.FromResult(model == Offline ? new DocumentFeatureVector("test features", features[record.DocumentKey]) : null);
        }
    }

    private static Task<RunCalibrationResult> CalibrateAsync(
        IReadOnlyList<AnalysisRecord> records, IReadOnlyList<GoldRating> gold, CalibrationSettings settings, FeatureLog features) =>
        RunCalibration.CalibrateAsync(records, Dimensions, gold, settings, features.FeaturesAsync, CancellationToken.None);

    [Fact]
    public async Task RawScoresAreReplaced_AndEveryOtherFieldIsUntouched()
    {
        var (records, gold, _, features) = Corpus();

        var result = await CalibrateAsync(records, gold, new CalibrationSettings(CalibrationSettings.Linear), new FeatureLog(features));

        Assert.Equal(records.Count, result.Records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var (before, after) = (records[i], result.Records[i]);
            Assert.Equal(before, after with { Dimensions = before.Dimensions });
            Assert.Equal(before.Dimensions["fear"], after.Dimensions["fear"]);
            Assert.Equal(before.Dimensions["hope"] with { Score = after.Dimensions["hope"].Score }, after.Dimensions["hope"]);
            if (before.Model != Uncoded)
            {
                Assert.NotEqual(before.Dimensions["hope"].Score, after.Dimensions["hope"].Score);
            }
        }
    }

    [Fact]
    public async Task CodedDocuments_GetTheirFoldsMap_AndUncodedDocuments_TheFullMap()
    {
        var (records, gold, _, features) = Corpus();
        var settings = new CalibrationSettings(CalibrationSettings.Linear);

        var result = await CalibrateAsync(records, gold, settings, new FeatureLog(features));

        var full = CalibrationArtifact.Read(result.Artifact).Find(Hosted, "hope")!.ToMap();
        var labels = RunCalibration.CodersMeans(gold)["hope"];
        var ids = Enumerable.Range(0, CodedDocuments).Select(Id).Order(StringComparer.Ordinal).ToList();
        var raw = ids.Select(id => records.Where(r => r.Model == Hosted && r.CorpusDocumentId == id).Average(r => r.Dimensions["hope"].Score!.Value)).ToList();
        var fit = CalibrationFitter.CrossFit(new CalibrationSample(ids, raw, ids.Select(id => labels[id]).ToList()), settings);
        var differsFromFull = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Model != Hosted)
            {
                continue;
            }

            var score = records[i].Dimensions["hope"].Score!.Value;
            var calibrated = result.Records[i].Dimensions["hope"].Score!.Value;
            var index = ids.IndexOf(records[i].CorpusDocumentId!);
            if (index < 0)
            {
                Assert.Equal(full.Predict(score, default), calibrated);
            }
            else
            {
                Assert.Equal(fit.MapOf(index).Predict(score, default), calibrated);
                differsFromFull += calibrated == full.Predict(score, default) ? 0 : 1;
            }
        }

        // Not the full map in disguise (the two agree only where both clip a score to the scale's end).
        Assert.True(differsFromFull > CodedDocuments, $"{differsFromFull} of {2 * CodedDocuments} coded records differ from the full map");
    }

    [Fact]
    public async Task AModelOrDimensionWithoutCodedDocuments_StaysRaw()
    {
        var (records, gold, _, features) = Corpus();

        var result = await CalibrateAsync(records, gold, new CalibrationSettings(), new FeatureLog(features));

        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Model == Uncoded)
            {
                Assert.Same(records[i], result.Records[i]);
            }

            Assert.Equal(records[i].Dimensions["fear"], result.Records[i].Dimensions["fear"]);
        }

        Assert.Equal([(Offline, "hope"), (Hosted, "hope")], result.Choices.Select(c => (c.Model, c.Dimension)));
        Assert.All(result.Choices, c => Assert.Equal(CodedDocuments, c.CodedDocuments));
        Assert.Null(CalibrationArtifact.Read(result.Artifact).Find(Uncoded, "hope"));
    }

    [Fact]
    public async Task ChangingOneCodedDocumentsLabel_DoesNotChangeThatDocumentsScores()
    {
        var (records, gold, _, features) = Corpus();
        var changed = gold.Select(g => g.DocumentId == Id(5) ? g with { Score = 1 - g.Score } : g).ToList();

        var before = await CalibrateAsync(records, gold, new CalibrationSettings(), new FeatureLog(features));
        var after = await CalibrateAsync(records, changed, new CalibrationSettings(), new FeatureLog(features));

        var own = Enumerable.Range(0, records.Count).Where(i => records[i].CorpusDocumentId == Id(5)).ToList();
        Assert.Equal(3, own.Count);
        Assert.All(own, i => Assert.Equal(before.Records[i].Dimensions["hope"].Score, after.Records[i].Dimensions["hope"].Score));
        // The label did count: the maps for the other documents moved.
        Assert.Contains(Enumerable.Range(0, records.Count), i => before.Records[i].Dimensions["hope"].Score != after.Records[i].Dimensions["hope"].Score);
        Assert.NotEqual(before.Artifact, after.Artifact);
    }

    [Fact]
    public async Task SameSeed_GivesTheSameBytesAndScores_AnotherSeed_OtherFolds()
    {
        var (records, gold, _, features) = Corpus();

        var first = await CalibrateAsync(records, gold, new CalibrationSettings(Seed: 7), new FeatureLog(features));
        var again = await CalibrateAsync(records.AsEnumerable().Reverse().ToList(), gold.AsEnumerable().Reverse().ToList(), new CalibrationSettings(Seed: 7), new FeatureLog(features));
        var other = await CalibrateAsync(records, gold, new CalibrationSettings(Seed: 8), new FeatureLog(features));

        Assert.Equal(first.Artifact, again.Artifact);
        Assert.Equal(first.Records.Select(r => r.Dimensions["hope"].Score), again.Records.Reverse().Select(r => r.Dimensions["hope"].Score));
        var ids = Ids(CodedDocuments);
        Assert.NotEqual(CalibrationFolds.Assign(ids, 5, 7, CalibrationFolds.Outer), CalibrationFolds.Assign(ids, 5, 8, CalibrationFolds.Outer));
        Assert.Contains(Enumerable.Range(0, records.Count), i => records[i].CorpusDocumentId is { } id && ids.Contains(id)
            && first.Records[i].Dimensions["hope"].Score != other.Records[i].Dimensions["hope"].Score);
        Assert.Contains("\"seed\": 8", System.Text.Encoding.UTF8.GetString(other.Artifact));
    }

    [Fact]
    public async Task TwoDocumentsWithTheSameText_EachGetTheMapTheirOwnCodingCallsFor()
    {
        var (records, gold, _, features) = Corpus();
        records = records.Select(r => r.CorpusDocumentId == Id(60) ? r with { DocumentHash = "hash1" } : r).ToList();

        var result = await CalibrateAsync(records, gold, new CalibrationSettings(CalibrationSettings.Linear), new FeatureLog(features));

        var full = CalibrationArtifact.Read(result.Artifact).Find(Hosted, "hope")!.ToMap();
        double Calibrated(int document) => result.Records.First(r => r.Model == Hosted && r.CorpusDocumentId == Id(document) && r.Run == 1).Dimensions["hope"].Score!.Value;
        double Raw(int document) => records.First(r => r.Model == Hosted && r.CorpusDocumentId == Id(document) && r.Run == 1).Dimensions["hope"].Score!.Value;
        Assert.Equal(full.Predict(Raw(60), default), Calibrated(60));
        Assert.NotEqual(full.Predict(Raw(1), default), Calibrated(1));
    }

    [Fact]
    public void CodersMean_AveragesEachCodersRepeatedRowsFirst()
    {
        GoldRating[] gold =
        [
            new("d1", "hope", 0.2, "A"),
            new("d1", "hope", 0.4, "A"),
            new("d1", "hope", 0.9, "B"),
            new("d1", "fear", 0.1, "A"),
        ];

        var means = RunCalibration.CodersMeans(gold);

        Assert.Equal(0.6, means["hope"]["d1"], 12);
        Assert.Equal(0.1, means["fear"]["d1"], 12);
    }

    [Fact]
    public async Task Features_AreFetchedOncePerCodedDocument_AndOncePerOtherDocumentWhenItIsMapped()
    {
        var (records, gold, _, features) = Corpus();
        var log = new FeatureLog(features);

        var result = await CalibrateAsync(records, gold, new CalibrationSettings(CalibrationSettings.Ridge), log);

        var lexicon = result.Choices.Single(c => c.Model == Offline);
        Assert.Equal((CalibrationSettings.Ridge, "test features"), (lexicon.Method, lexicon.Features));
        Assert.NotNull(lexicon.Penalty);
        Assert.Equal(Documents, log.Calls.Keys.Count(k => k.Model == Offline));
        Assert.All(log.Calls.Where(c => c.Key.Model == Offline), c => Assert.Equal(1, c.Value));
        // A hosted model is asked once, says it has no features, and is not asked again.
        Assert.Equal(1, log.Calls.Where(c => c.Key.Model == Hosted).Sum(c => c.Value));
        var hosted = result.Choices.Single(c => c.Model == Hosted);
        Assert.Equal(CalibrationSettings.Linear, hosted.Method);
        Assert.Contains("no document features", hosted.Note);
    }

    [Fact]
    public async Task TheArtifact_ScoresNewDocumentsAsTheRunScoredItsUncodedOnes()
    {
        var (records, gold, _, features) = Corpus();

        var result = await CalibrateAsync(records, gold, new CalibrationSettings(CalibrationSettings.Ridge), new FeatureLog(features));

        var artifact = CalibrationArtifact.Read(result.Artifact);
        var entry = artifact.Find(Offline, "hope")!;
        Assert.Equal((CalibrationSettings.Ridge, "test features", 5, CalibrationSettings.DefaultSeed, CodedDocuments), (entry.Method, entry.FeatureSet, entry.Folds, entry.Seed, entry.CodedDocuments));
        Assert.Equal(4, entry.Ridge!.Weights.Count);
        Assert.Equal(["identity", "linear", "isotonic", "ridge"], entry.Candidates.Select(c => c.Method));
        var map = entry.ToMap();
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Model == Offline && int.Parse(records[i].CorpusDocumentId![3..], CultureInfo.InvariantCulture) >= CodedDocuments)
            {
                Assert.Equal(map.Predict(records[i].Dimensions["hope"].Score!.Value, features[records[i].DocumentKey]), result.Records[i].Dimensions["hope"].Score);
            }
        }

        Assert.Equal(result.Artifact, artifact.ToJson());
    }

    [Fact]
    public async Task ANullScore_StaysNull_AndIsLeftOutOfTheFit()
    {
        var (records, gold, _, features) = Corpus();
        records = records.Select(r => r.Model == Hosted && r.CorpusDocumentId == Id(3)
            ? r with { Dimensions = new Dictionary<string, DimensionValues> { ["hope"] = new(null, null, null), ["fear"] = r.Dimensions["fear"] } }
            : r).ToList();

        var result = await CalibrateAsync(records, gold, new CalibrationSettings(), new FeatureLog(features));

        Assert.All(result.Records.Where(r => r.Model == Hosted && r.CorpusDocumentId == Id(3)), r => Assert.Null(r.Dimensions["hope"].Score));
        Assert.Equal(CodedDocuments - 1, result.Choices.Single(c => c.Model == Hosted).CodedDocuments);
    }

    [Fact]
    public async Task TenThousandUncodedDocuments_AreMapped_WithTheirFeaturesFetchedOncePerDocument()
    {
        // The timing of the brief: 300 coded documents × 400 features, auto with 5 × 5 nested folds, and 10,000 uncoded
        // documents mapped; features come from a generator, as a feature source computes them on request.
        const int coded = 300;
        const int uncoded = 10_000;
        var (sample, _) = SparseLinear(coded, 400, 20, seed: 41);
        var records = new List<AnalysisRecord>(coded + uncoded);
        var gold = new List<GoldRating>();
        for (var d = 0; d < coded + uncoded; d++)
        {
            records.Add(Record(Offline, d, 1, d < coded ? sample.RawScores[d] : (d % 97) / 97.0, 0.5));
            if (d < coded)
            {
                gold.Add(new GoldRating(Id(d), "hope", sample.Labels[d], "A"));
            }
        }

        var calls = 0;
        var watch = new Stopwatch();
        var fitted = TimeSpan.Zero;
        Task<DocumentFeatureVector?> FeaturesAsync(string model, AnalysisRecord record, CancellationToken cancellationToken)
        {
            calls++;
            var d = int.Parse(record.CorpusDocumentId![3..], CultureInfo.InvariantCulture);
            fitted = d >= coded && fitted == TimeSpan.Zero ? watch.Elapsed : fitted;
            var random = new Random(d);
            var values = d < coded ? sample.Features![d] : Enumerable.Range(0, 400).Select(_ => (float)Normal(random)).ToArray();
            return Task.FromResult<DocumentFeatureVector?>(new DocumentFeatureVector("synthetic features", values));
        }

        watch.Start();
        var result = await RunCalibration.CalibrateAsync(records, ["hope"], gold, new CalibrationSettings(), FeaturesAsync, CancellationToken.None);
        watch.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{coded} coded × 400 features, auto, 5 × 5 folds: {fitted.TotalSeconds:F2} s; then {uncoded:N0} uncoded mapped (features generated on request): {(watch.Elapsed - fitted).TotalSeconds:F2} s; {result.Choices[0].Method}"));

        Assert.Equal(coded + uncoded, calls);
        Assert.Equal(CalibrationSettings.Ridge, result.Choices[0].Method);
        Assert.All(result.Records, r => Assert.InRange(r.Dimensions["hope"].Score!.Value, 0, 1));
    }
}
