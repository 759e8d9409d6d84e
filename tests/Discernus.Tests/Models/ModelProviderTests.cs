using Discernus.Configuration;
using Discernus.Coordination;
using Discernus.Models;
using Discernus.Orchestration;

namespace Discernus.Tests.Models;

/// <summary>
/// <see cref="ModelProvider.All"/> is the one list of providers: whatever is in it is parsed, configured, priced and
/// shown by doctor without a switch elsewhere, so a provider added there and nowhere else still works end to end.
/// </summary>
public sealed class ModelProviderTests
{
    public static TheoryData<string> Providers => [.. ModelProvider.All.Select(p => p.Name)];

    private static ModelProvider Named(string name) => ModelProvider.All.Single(p => p.Name == name);

    private static string ModelOf(ModelProvider provider) => provider.IsOffline ? provider.Name : provider.Name + "/some-model";

    [Fact]
    public void Names_AreUnique_AndTheValidFormsAreTheList()
    {
        Assert.Equal(ModelProvider.All.Count, ModelProvider.All.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(ModelProvider.All.Select(p => p.Form), ModelName.ValidForms);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EveryProvider_IsAcceptedByModelNameParsing(string name)
    {
        var provider = Named(name);

        var parsed = ModelName.Parse(ModelOf(provider).ToUpperInvariant());

        Assert.Same(provider, parsed.Provider);
        Assert.Equal(!provider.IsOffline, parsed.IsHosted);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EveryProvider_HasAKeyVariableOrNeedsNone_AndItsVariablesAreInTheSettingCatalog(string name)
    {
        var provider = Named(name);

        Assert.True(provider.IsOffline || provider.BaseUrlVariable is not null, $"{name} is hosted but has no endpoint variable");
        Assert.True(provider.ApiKeyVariables.Count > 0 || !provider.RequiresApiKey);
        Assert.All(provider.ApiKeyVariables, variable => Assert.True(SettingCatalog.Find(variable)?.IsSecret, $"{variable} is not a secret in the catalog"));
        if (provider.BaseUrlVariable is { } url)
        {
            var definition = SettingCatalog.Find(url);
            Assert.NotNull(definition);
            Assert.Equal(provider.DefaultBaseUrl ?? "none", definition.Default);
            Assert.NotNull(definition.Check("not a url"));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EveryProvider_HasPriceRows_OrIsFree_OrIsOneOfThoseWithoutAPublishedList(string name)
    {
        var provider = Named(name);
        var prices = PriceTable.LoadDefault();

        if (provider.IsOffline)
        {
            Assert.Equal(0m, prices.CostOf(ModelName.Parse(provider.Name), 1_000_000, 1_000_000));
        }
        else if (provider.Prices.Count == 0)
        {
            // OpenRouter bills its vendors' prices (matched by the vendor's model id); local servers cost nothing we can know.
            Assert.Contains(name, new[] { "openrouter", "ollama", "openai-compatible" });
        }

        Assert.All(provider.Prices, row => Assert.Equal(row, prices.Find(ModelName.Parse($"{provider.Name}/{row.Model}"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EveryProvider_AppearsInTheDoctorsModelCheck(string name)
    {
        var provider = Named(name);
        var environment = new Dictionary<string, string?> { [Discernus.Configuration.SettingNames.DefaultModel] = ModelOf(provider) };
        foreach (var variable in provider.ApiKeyVariables.Take(1))
        {
            environment[variable] = "test-key-0123456789";
        }

        if (provider.BaseUrlVariable is { } url && provider.DefaultBaseUrl is null)
        {
            environment[url] = "http://127.0.0.1:9/v1";
        }

        var check = Doctor.CheckModels(new DoctorOptions { Settings = Discernus.Orchestration.DiscernusSettings.From(environment), WorkingDirectory = Path.GetTempPath() }, null);

        Assert.True(check.Status == DoctorStatus.Pass, check.Detail);
        Assert.Contains(ModelOf(provider), check.Detail, StringComparison.Ordinal);
        Assert.All(provider.ApiKeyVariables.Take(1), variable => Assert.Contains(variable, check.Detail, StringComparison.Ordinal));
        Assert.DoesNotContain("test-key-0123456789", check.Detail, StringComparison.Ordinal);
    }
}
