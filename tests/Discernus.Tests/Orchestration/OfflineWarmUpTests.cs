using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Tests.Experiments;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Orchestration;

/// <summary>A run submitted in this process warms the offline models it names while it is set up, and only those.</summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class OfflineWarmUpTests
{
    [Fact]
    public async Task WarmUp_ReachesTheOfflineModelsARunNames_AndNoOther()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var minilm = new RecordingOfflineModel(ModelProvider.MiniLM);
        var options = new HostOptions
        {
            Settings = DiscernusSettings.Defaults,
            ArtifactsDirectory = experiment.Outside("artifacts"),
            RunOrchestrator = false,
            RunWorkers = false,
            OfflineModels = [_ => minilm],
        };
        await using var host = await DiscernusHost.StartAsync(options);

        host.WarmUp(["lexicon", "openai/gpt-4o-mini", "not a model name"]);
        Assert.Equal(0, minilm.WarmUps);

        host.WarmUp(["minilm"]);
        Assert.Equal(1, minilm.WarmUps);
    }

    private sealed class RecordingOfflineModel(ModelProvider provider) : IOfflineModel
    {
        public int WarmUps { get; private set; }

        public ModelProvider Provider => provider;

        public IChatClient CreateClient() => throw new NotSupportedException("no answers in this test");

        public void WarmUp() => WarmUps++;

        public void Dispose()
        {
        }
    }
}
