using System.Text.Json.Nodes;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// `discernus run --model openai-compatible/test-model` against a real HTTP server speaking the OpenAI wire format:
/// an invalid answer is retried with the validation error and then accepted; an answer that stays invalid fails its
/// document (recorded, reported, exit 6); a number the synthesis invents is flagged; the API key never leaks.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class OpenAICompatiblePipelineTests
{
    private const string Model = "openai-compatible/test-model";
    private const string ApiKey = "sk-discernus-test-7f3a9c1e5b2d4680";
    private const string Library = "library_reading_room_praise.txt";
    private const string MillRoad = "mill_road_complaint.txt";
    private const string RealQuote = "I want to thank the library committee for the wonderful new reading room.";
    private const string InventedQuote = "The reading room is built entirely of solid gold.";
    private const string InventedNumber = "0.123456";
    private const int PromptTokens = 100;
    private const int CompletionTokens = 20;

    [Fact]
    public async Task InvalidAnswers_AreRetriedOrRecordedAsFailures_AndInventedNumbersAreFlagged()
    {
        await using var server = FakeModelServer.Start();
        var libraryCalls = 0;
        var millRoadCalls = 0;
        server.Handler = request =>
        {
            if (ScriptedAnalysisAnswers.IsSynthesis(request))
            {
                // 0.800 is the mean of positive_sentiment over the one analysed document; 0.123456 is in no statistic.
                return Answer($"Positive sentiment has a mean of 0.800 in the analysed document. A figure of {InventedNumber} appears nowhere in the statistics.");
            }

            var dimensions = ScriptedAnalysisAnswers.Dimensions(request);
            switch (ScriptedAnalysisAnswers.DocumentName(request))
            {
                case Library when Interlocked.Increment(ref libraryCalls) == 1:
                    return Answer(ScriptedAnalysisAnswers.Answer(dimensions, (name, entry) =>
                    {
                        if (name == "positive_sentiment")
                        {
                            entry["salience"] = 1.7;
                        }

                        return entry;
                    }));
                case Library:
                    return Answer(ScriptedAnalysisAnswers.Answer(dimensions, (name, entry) =>
                    {
                        if (name == "positive_sentiment")
                        {
                            entry["raw_score"] = 0.8;
                            entry["evidence"] = new[] { RealQuote, InventedQuote };
                        }

                        return entry;
                    }));
                case MillRoad:
                    Interlocked.Increment(ref millRoadCalls);
                    return Answer(ScriptedAnalysisAnswers.Answer(dimensions, (name, entry) => name == "negative_sentiment" ? null : entry));
                default:
                    return FakeModelServerResponse.Fault(400, "the test did not expect this request");
            }
        };
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = ApiKey,
            ["DISCERNUS_MODEL_MAX_RETRIES"] = "0",
        });

        var run = await sandbox.RunAsync("--model", Model);

        Assert.True(run.ExitCode == 6, $"exit {run.ExitCode}, expected 6 (completed_with_failures)\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal("completed_with_failures", (string?)manifest["status"]);

        // The document whose first answer was invalid: retried once with the validation error, then accepted.
        var results = RunFolderChecks.AnalysisResults(run.Folder);
        var library = Assert.Single(results);
        Assert.Equal(Library, (string?)library["document_name"]);
        Assert.Equal(2, library["processing_metadata"]!["attempts"]!.GetValue<int>());
        Assert.Equal(2, libraryCalls);
        var libraryRequests = server.Requests.Where(r => ScriptedAnalysisAnswers.DocumentName(r) == Library).ToList();
        Assert.Equal(2, libraryRequests.Count);
        var retryMessage = libraryRequests[1].MessageTexts[^1];
        Assert.Contains("salience", retryMessage);
        Assert.Contains("1.7", retryMessage);
        Assert.True(libraryRequests[1].MessageTexts.Count > libraryRequests[0].MessageTexts.Count, "the retry does not extend the conversation");
        RunFolderChecks.AssertResultsFollowSpec(run.Folder, run.ExperimentPath, Model);
        var evidence = library["framework_analysis"]!["positive_sentiment"]!["evidence"]!.AsArray().ToDictionary(e => (string)e!["quote"]!, e => (bool)e!["verified"]!);
        Assert.True(evidence[RealQuote]);
        Assert.False(evidence[InventedQuote]);
        Assert.Equal(1, RunFolderChecks.AssertVerifiedQuotesOccurInDocuments(run.Folder, run.ExperimentPath));

        // The document whose answers stayed invalid: a bounded number of attempts, then a recorded failure.
        Assert.InRange(millRoadCalls, 2, 5);
        var failure = Assert.Single(manifest["failures"]!.AsArray());
        Assert.Equal(MillRoad, (string?)failure!["document_name"]);
        Assert.Contains("negative_sentiment", (string?)failure["reason"]);
        var batch = manifest["stages"]!.AsArray().Single(s => (string?)s!["name"] == "batch_analysis")!;
        Assert.Equal(1, batch["tasks_failed"]!.GetValue<int>());
        Assert.Equal(1, batch["tasks_succeeded"]!.GetValue<int>());

        // The report lists the failed document and flags the number the synthesis invented, but not the true one.
        var report = RunFolderChecks.ReportMarkdown(run.Folder);
        RunFolderChecks.AssertReportSections(run.Folder, "nano");
        var failedSection = RunFolderChecks.Section(report, "## Failed Documents");
        Assert.Contains(MillRoad, failedSection);
        Assert.Contains($"{InventedNumber} ⚠", report);
        Assert.DoesNotContain("0.800 ⚠", report);
        RunFolderChecks.AssertFindingsMatchStatistics(run.Folder);

        // One interaction line per model call, each with the model, the hashes and the tokens.
        var interactions = File.ReadAllLines(Path.Combine(run.Folder, "logs", "llm_interactions.jsonl"))
            .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(server.Requests.Count, interactions.Count);
        Assert.Equal(2 + millRoadCalls + 1, interactions.Count);
        Assert.All(interactions, line =>
        {
            Assert.Contains("test-model", (string?)line["model"]);
            Assert.Matches("^[0-9a-f]{64}$", (string?)line["prompt_hash"]);
            Assert.Matches("^[0-9a-f]{64}$", (string?)line["answer_hash"]);
            Assert.Equal(PromptTokens, line["prompt_tokens"]!.GetValue<int>());
            Assert.Equal(CompletionTokens, line["completion_tokens"]!.GetValue<int>());
        });
        RunFolderChecks.AssertLogLinesHaveStandardFields(run.Folder);

        // The key reached the provider, and nowhere else: not in the run folder, the artifact store or the output.
        Assert.All(server.Requests, r => Assert.Equal(ApiKey, r.ApiKey));
        Assert.DoesNotContain(ApiKey, run.Output);
        foreach (var file in Directory.EnumerateFiles(run.Folder, "*", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(sandbox.ArtifactsDirectory, "*", SearchOption.AllDirectories)))
        {
            Assert.False(File.ReadAllText(file).Contains(ApiKey, StringComparison.Ordinal), $"{file} contains the API key");
        }

        var (verifyExit, verifyOutput) = await RunFolderChecks.VerifyAsync(run.Folder);
        Assert.True(verifyExit == 0, $"verify exited {verifyExit}\n{verifyOutput}");
    }

    private static FakeModelServerResponse Answer(string text) => FakeModelServerResponse.Answer(text, PromptTokens, CompletionTokens);
}
