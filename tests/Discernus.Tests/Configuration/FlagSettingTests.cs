using Discernus.Configuration;

namespace Discernus.Tests.Configuration;

public sealed class FlagSettingTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData(" TRUE ", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    public void Every_component_reads_the_same_true_and_false_words(string text, bool expected)
    {
        Assert.Equal(expected, SettingCatalog.Flag(text));
        Assert.Null(SettingCatalog.Find("DISCERNUS_S3_ALLOW_HTTP")!.Check(text));
    }

    [Fact]
    public void Anything_else_is_no_flag()
    {
        Assert.Null(SettingCatalog.Flag("maybe"));
        Assert.NotNull(SettingCatalog.Find("DISCERNUS_S3_ALLOW_HTTP")!.Check("maybe"));
    }
}
