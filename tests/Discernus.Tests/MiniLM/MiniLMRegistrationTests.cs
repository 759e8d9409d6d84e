using Discernus.Experiments;
using Discernus.MiniLM;
using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Tests.Experiments;
using Discernus.Tests.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.MiniLM;

/// <summary>How `minilm` is named, priced, announced and found by the gateway.</summary>
public sealed class MiniLMRegistrationTests
{
    [Fact]
    public void MiniLM_IsAnOfflineModel_ThatCostsNothing()
    {
        var name = ModelName.Parse("minilm");

        Assert.False(name.IsHosted);
        Assert.True(ModelName.IsOffline("MiniLM"));
        Assert.False(ModelName.IsOffline("openai/gpt-4o"));
        Assert.Equal(0m, PriceTable.LoadDefault().CostOf(name, 1_000_000, 1_000_000));
        Assert.Contains("minilm", ModelName.ValidForms);
    }

    [Fact]
    public void Gateway_WithoutTheRegistration_SaysWhereMiniLMComesFrom()
    {
        using var gateway = new ModelGateway(ModelSettings.Empty);

        var error = Assert.Throws<ModelConfigurationException>(() => gateway.CreateClient("minilm"));

        Assert.Contains("'minilm' is not available in this program", error.Message);
        Assert.Contains("lexicon", error.Message);
    }

    [Fact]
    public async Task Gateway_WithTheRegistration_RecordsMiniLMAnswersAtZeroCost()
    {
        using var model = new MiniLMOfflineModel(store: null);
        var sink = new MemoryInteractionSink();
        using var gateway = new ModelGateway(ModelSettings.Empty, new ModelGatewayOptions { OfflineModels = [model] }, sink);
        using var client = gateway.CreateClient("minilm");

        var response = await client.GetResponseAsync("hello");

        Assert.Contains("not a conversational model", response.Text);
        var record = Assert.Single(sink.Records);
        Assert.Equal("minilm", record.Model);
        Assert.Equal(0m, record.CostUsd);
        Assert.Equal(0, model.TextsEncoded);
    }

    [Fact]
    public void Selection_OfOfflineModelsOnly_IsAnOfflineBaseline_AndNeedsNoPreflight()
    {
        var experiment = new ExperimentReader().Read(TestPaths.Project("nano")).Experiment!;

        Assert.True(ModelSelection.Resolve("minilm", experiment, Discernus.Orchestration.DiscernusSettings.Defaults).OfflineBaseline);
        Assert.True(ModelSelection.Resolve("lexicon,minilm", experiment, Discernus.Orchestration.DiscernusSettings.Defaults).OfflineBaseline);
        Assert.False(ModelSelection.Resolve("minilm,openai/gpt-4o-mini", experiment, Discernus.Orchestration.DiscernusSettings.Defaults).OfflineBaseline);
        Assert.Empty(ModelSelection.Preflight(["minilm", "lexicon"], Discernus.Models.ModelSettings.Empty));
    }
}
