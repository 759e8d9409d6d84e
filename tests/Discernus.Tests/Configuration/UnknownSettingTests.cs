using Discernus.Configuration;

namespace Discernus.Tests.Configuration;

public sealed class UnknownSettingTests
{
    [Fact]
    public void A_misspelt_setting_is_named_with_the_one_it_probably_meant()
    {
        var (errors, warnings) = SettingCatalog.Check(SettingValues.From(new Dictionary<string, string?> { ["DISCERNUS_REDIS_PREFX"] = "x:" }));

        Assert.Empty(errors);
        var warning = Assert.Single(warnings);
        Assert.Contains("DISCERNUS_REDIS_PREFX (from given) is not a Discernus setting and is ignored; did you mean DISCERNUS_REDIS_PREFIX?", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_far_from_every_setting_or_of_hostile_length_gets_the_listing_instead()
    {
        var far = SettingCatalog.Check(SettingValues.From(new Dictionary<string, string?> { ["DISCERNUS_COMPLETELY_UNRELATED"] = "1" })).Warnings;
        var huge = SettingCatalog.Check(SettingValues.From(new Dictionary<string, string?> { ["DISCERNUS_" + new string('X', 100_000)] = "1" })).Warnings;

        Assert.EndsWith("`discernus config` lists the settings.", Assert.Single(far), StringComparison.Ordinal);
        Assert.EndsWith("`discernus config` lists the settings.", Assert.Single(huge), StringComparison.Ordinal);
    }
}
