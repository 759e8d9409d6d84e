using Discernus.Cli;
using Discernus.MiniLM;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.MiniLM;

/// <summary>
/// Issue 9: `discernus run --model minilm` completes offline on every example experiment (each on a temp copy, with a
/// private artifact store), scores every dimension (markers or not), announces the offline semantic baseline in the
/// run output and the report, and leaves the sentence embeddings in the artifact store.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class MiniLMExampleExperimentTests
{
    // Embedding political_rhetoric's ~2000 sentences takes about 20 s on 2 idle cores; a loaded machine can be ten
    // times slower. A hung run still fails the test instead of hanging the suite.
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(10);

    public static TheoryData<string> Examples => new() { "nano", "political_rhetoric", "institutional_communications", "academic_discourse" };

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task RunWithMiniLM_Completes_ScoringEveryDimension(string project)
    {
        using var sandbox = PipelineSandbox.Of(project);

        var run = await RunMiniLMAsync(sandbox);

        await RunFolderChecks.AssertCompletedRunAsync(run, project, "minilm");
        Assert.Contains("offline semantic baseline", run.Cli.ConsoleText);
        Assert.Contains("Scores were produced offline, on this machine, by `minilm` (a semantic baseline", RunFolderChecks.ReportMarkdown(run.Folder));
        foreach (var result in RunFolderChecks.AnalysisResults(run.Folder))
        {
            foreach (var (dimension, scores) in result["framework_analysis"]!.AsObject())
            {
                Assert.True(scores!["score"] is not null, $"{result["document_name"]}: {dimension} was not scored");
            }
        }

        Assert.True(RunFolderChecks.AssertVerifiedQuotesOccurInDocuments(run.Folder, run.ExperimentPath) > 0, "minilm quoted no evidence at all");
        var embeddings = $"embeddings/{MiniLMEncoder.Name.ToLowerInvariant()}/";
        Assert.True(EmbeddingRefs(sandbox.ArtifactsDirectory, embeddings).Count > 0, $"no sentence embeddings under refs {embeddings} of {sandbox.ArtifactsDirectory}");
    }

    [Fact]
    public async Task SecondRun_ReusesTheStoredEmbeddings_AndGivesTheSameScores()
    {
        using var first = PipelineSandbox.Of("nano");
        var firstRun = await RunMiniLMAsync(first);
        Assert.True(firstRun.ExitCode == 0, firstRun.Output);
        var stored = EmbeddingRefs(first.ArtifactsDirectory, "embeddings/");
        Assert.NotEmpty(stored);

        using var second = PipelineSandbox.Of("nano", artifactsDirectory: first.ArtifactsDirectory);
        var secondRun = await RunMiniLMAsync(second);

        Assert.True(secondRun.ExitCode == 0, secondRun.Output);
        // Not one embedding was written again: the second run found every sentence in the store.
        Assert.Equal(stored, EmbeddingRefs(first.ArtifactsDirectory, "embeddings/"));
        Assert.Equal(Scores(firstRun.Folder), Scores(secondRun.Folder));
    }

    private static async Task<PipelineRun> RunMiniLMAsync(PipelineSandbox sandbox)
    {
        var cli = sandbox.NewHarness();
        var exit = await DiscernusCli.InvokeAsync(["run", sandbox.ExperimentPath, "--model", "minilm"], cli.Context).WaitAsync(RunLimit);
        return new PipelineRun(exit, sandbox.ExperimentPath, sandbox.FindRunFolder(), cli);
    }

    /// <summary>Every setting of a ref under <paramref name="prefix"/>, loose or packed, in order: one written again is listed again.</summary>
    private static List<string> EmbeddingRefs(string artifacts, string prefix)
    {
        using var store = new Discernus.Artifacts.FolderArtifactStore(artifacts, pack: true);
        return [.. store.Contents().Refs.Where(r => r.StartsWith(prefix, StringComparison.Ordinal))];
    }

    private static List<string> Scores(string runFolder) =>
        RunFolderChecks.AnalysisResults(runFolder)
            .Select(r => $"{r["document_name"]}: {r["framework_analysis"]!.ToJsonString()}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
