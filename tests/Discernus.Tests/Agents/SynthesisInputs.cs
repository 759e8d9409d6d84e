using System.Text;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Provenance;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Agents;

/// <summary>
/// A synthesis task over stored lexicon results of the political_rhetoric framework: each result unique (its own
/// quotes, three per dimension, one of them unverified), so nothing can be shared between them by accident.
/// </summary>
internal static class SynthesisInputs
{
    /// <returns>The task's JSON, as the Router hands it to the agent, and the framework.</returns>
    public static async Task<(string Json, Framework Framework)> StoreAsync(IArtifactStore store, string runId, int count, SynthesisParams parameters)
    {
        var frameworkBytes = await File.ReadAllBytesAsync(Path.Combine(TestPaths.Project("political_rhetoric"), "framework.md"));
        var framework = ExperimentReader.ParseFramework(Encoding.UTF8.GetString(frameworkBytes), "framework.md", "default", out _)!;
        var results = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            results.Add(await store.PutAsync(DiscernusJson.Serialize(Result(framework, runId, i))));
        }

        var contract = new SynthesizeResultsTask
        {
            RunId = runId,
            TaskId = TaskIds.Build(runId, TaskTypes.SynthesizeResults, 1),
            AnalysisResultsIndex = await store.PutAsync(AnalysisResultIndex.Serialize(results)),
            AnalysisResultCount = results.Count,
            FrameworkHash = await store.PutAsync(frameworkBytes),
            PromptHash = await store.PutAsync(PromptLibrary.Load(PromptLibrary.SynthesizeResults).Content),
            Model = ModelName.LexiconName,
            Params = parameters,
        };
        return (CoordinationJson.Serialize(contract), framework);
    }

    private static AnalysisResult Result(Framework framework, string runId, int i)
    {
        var document = Hashing.Sha256Hex($"document {i}");
        return new AnalysisResult
        {
            DocumentId = document,
            DocumentName = $"doc_{i:00000}.txt",
            CorpusDocumentId = $"doc_{i:00000}",
            Metadata = new Dictionary<string, string> { ["era"] = $"era_{i % 5}", ["party"] = $"p{i % 3}" },
            FrameworkAnalysis = framework.Dimensions.Select((d, k) => (d.Name, Score: new DimensionScore
            {
                Score = ((i * 7 + k * 13) % 100) / 100.0,
                Salience = ((i * 3 + k) % 100) / 100.0,
                Confidence = 0.5 + ((i + k) % 50) / 100.0,
                Evidence =
                [
                    new EvidenceQuote($"Document {i} on {d.Name}: we hold these truths to be self-evident, that all are created equal and endowed with rights.", true),
                    new EvidenceQuote($"Document {i}, second passage on {d.Name}: the government of the people, by the people, for the people shall not perish.", true),
                    new EvidenceQuote($"Document {i}, a passage the text does not hold, about {d.Name} and the many things a model might invent.", false),
                ],
            })).ToDictionary(x => x.Name, x => x.Score),
            DerivedMetrics = framework.DerivedMetrics.Select((m, k) => (m.Name, Value: (double?)((i + k) % 10 / 10.0))).ToDictionary(x => x.Name, x => x.Value),
            ProcessingMetadata = new ProcessingMetadata
            {
                Timestamp = "2026-12-01T00:00:00Z",
                Model = ModelName.LexiconName,
                ModelVersion = ModelName.LexiconName,
                TokensUsed = new TokenUsage(4000, 200),
                PromptHash = new string('a', 64),
                FrameworkHash = new string('b', 64),
                DocumentHash = document,
                TaskId = $"{runId}:analyse_document:{i + 1}",
            },
        };
    }
}
