using System.Text;
using Discernus.Agents;
using Discernus.Application;
using Discernus.Artifacts;
using Discernus.Offline.Lexicon;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// An offline model reads the framework and the document itself, never a prompt, so what a run keeps of its request is
/// a short text naming those inputs by hash, and its prompt tokens are the document's words. Before, every document's
/// transcript repeated the whole rendered prompt (25 KB and more with a real framework) in the store, for a text no
/// model read, and the token counts included the framework's words each time.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class OfflineTranscriptPipelineTests
{
    [Fact]
    public async Task ALexiconAnalysis_KeepsARequestNamingItsInputsByHash_AndCountsTheDocumentsWords()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        var run = await sandbox.RunAsync("--model", "lexicon");
        Assert.True(run.ExitCode == 0, run.Output);

        var store = ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = sandbox.ArtifactsDirectory });
        var interactions = Path.Combine(run.Folder, "logs", "llm_interactions.jsonl");
        var results = RunFolderChecks.AnalysisResults(run.Folder);
        Assert.Equal(2, results.Count);
        foreach (var result in results)
        {
            var meta = result["processing_metadata"]!.AsObject();
            var taskId = (string)meta["task_id"]!;
            var documentHash = (string)meta["document_hash"]!;
            var frameworkHash = (string)meta["framework_hash"]!;

            var attempt = Assert.Single(await Transcript.ForTaskAsync(interactions, taskId, store, CancellationToken.None));
            var (role, text) = Assert.Single(attempt.Messages!);
            Assert.Equal("user", role);
            Assert.Contains(documentHash, text, StringComparison.Ordinal);
            Assert.Contains(frameworkHash, text, StringComparison.Ordinal);
            Assert.Contains("lexicon", text, StringComparison.Ordinal);
            Assert.DoesNotContain("=== FRAMEWORK", text, StringComparison.Ordinal);
            Assert.DoesNotContain("=== DOCUMENT", text, StringComparison.Ordinal);
            Assert.True(text.Length < 1_000, $"the offline request is {text.Length} characters:\n{text}");

            var document = Encoding.UTF8.GetString((await store.GetAsync(documentHash, CancellationToken.None))!);
            Assert.Equal(LexiconScorer.CountWords(document), (long)meta["tokens_used"]!["prompt"]!);
            Assert.Equal(LexiconScorer.CountWords(document), attempt.PromptTokens);
        }
    }

    [Fact]
    public void APromptFileWithoutAnOfflineRequest_KeepsTheFullMessages()
    {
        // A run resumed from a prompt file stored before offline_request existed renders the messages it always did.
        var current = PromptTemplate.Parse(PromptLibrary.Load(PromptLibrary.AnalyseDocument).Content);
        var older = PromptTemplate.Parse(Encoding.UTF8.GetBytes("system: |\n  Score {{framework_name}}.\nuser: |\n  {{document_text}}\n"));
        var framework = Discernus.Experiments.ExperimentReader.ParseFramework(
            File.ReadAllText(Path.Combine(TestPaths.Project("nano"), "framework.md")), "framework.md", "default", out var problems);
        Assert.True(framework is not null, string.Join("; ", problems.Select(p => p.Message)));

        Assert.Null(AnalysisRequest.OfflineMessages(older, "lexicon", framework, "f", "default", "d.txt", "h"));
        var offline = Assert.Single(AnalysisRequest.OfflineMessages(current, "lexicon", framework, "f", "default", "d.txt", "h")!);
        Assert.Contains("d.txt (sha256 h)", offline.Text, StringComparison.Ordinal);
    }
}
