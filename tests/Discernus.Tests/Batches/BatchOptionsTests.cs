using Discernus.Batches;
using Discernus.Configuration;

namespace Discernus.Tests.Batches;

public sealed class BatchOptionsTests
{
    [Fact]
    public void Defaults_StayWithinOpenAIsLimits()
    {
        var options = BatchOptions.FromValues(new Dictionary<string, string?>());

        Assert.Equal(50_000, options.MaxRequestsPerFile);
        Assert.True(options.MaxBytesPerFile < 200L * 1024 * 1024);
        Assert.True(options.PollInterval <= options.MaxPollInterval);
    }

    [Theory]
    [InlineData(BatchOptions.MaxRequestsVariable, "0")]
    [InlineData(BatchOptions.MaxRequestsVariable, "50001")]
    [InlineData(BatchOptions.MaxBytesVariable, "many")]
    [InlineData(BatchOptions.PollSecondsVariable, "-1")]
    [InlineData(BatchOptions.MaxPollSecondsVariable, "7200")]
    public void AValueOutsideItsRange_IsRefused_NamingTheVariable(string variable, string value)
    {
        var error = Assert.Throws<SettingException>(() => BatchOptions.FromValues(new Dictionary<string, string?> { [variable] = value }));

        Assert.Contains(variable, error.Message);
    }

    [Fact]
    public void APollCeilingBelowTheFirstPause_IsRefused()
    {
        var error = Assert.Throws<SettingException>(() => BatchOptions.FromValues(new Dictionary<string, string?>
        {
            [BatchOptions.PollSecondsVariable] = "30",
            [BatchOptions.MaxPollSecondsVariable] = "5",
        }));

        Assert.Contains(BatchOptions.MaxPollSecondsVariable, error.Message);
    }
}
