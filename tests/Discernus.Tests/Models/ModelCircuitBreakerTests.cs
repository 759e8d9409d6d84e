using Discernus.Models;

namespace Discernus.Tests.Models;

/// <summary>
/// The model's breaker fed with calls made in other processes (the children of a worker with process isolation): the
/// same endpoint failures open it, a success keeps it closed, other failures do not count, and its refusal always names
/// the failure that opened it.
/// </summary>
public sealed class ModelCircuitBreakerTests
{
    private static readonly ModelName Model = ModelName.Parse("openai-compatible/m");

    [Fact]
    public async Task EndpointFailuresMadeElsewhere_OpenIt_AndItsRefusalNamesTheirCause()
    {
        using var gateway = Gateway();
        var breaker = gateway.BreakerFor(Model)!;

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(breaker.Refusal);
            await breaker.RecordAsync(CannotConnect());
        }

        var refusal = breaker.Refusal;
        Assert.NotNull(refusal);
        Assert.Contains("is unusable: cannot connect to http://127.0.0.1:9/v1 (connection refused) (3 calls in a row failed this way)", refusal.Message, StringComparison.Ordinal);
        Assert.Same(breaker, gateway.BreakerOf(Model));
    }

    [Fact]
    public async Task ASuccessMadeElsewhere_KeepsItClosed()
    {
        using var gateway = Gateway();
        var breaker = gateway.BreakerFor(Model)!;

        await breaker.RecordAsync(CannotConnect());
        await breaker.RecordAsync(CannotConnect());
        await breaker.RecordAsync(null);
        await breaker.RecordAsync(CannotConnect());

        Assert.Null(breaker.Refusal);
    }

    [Fact]
    public async Task FailuresThatAreNotTheEndpoints_DoNotCount()
    {
        using var gateway = Gateway();
        var breaker = gateway.BreakerFor(Model)!;

        for (var i = 0; i < 5; i++)
        {
            await breaker.RecordAsync(new ModelCallException(Model.ToString(), 4, 503, true, "The model 'openai-compatible/m' failed after 4 attempts: HTTP 503.", null));
        }

        Assert.Null(breaker.Refusal);
    }

    [Fact]
    public async Task RefusalSeenByAnotherCaller_TheMomentItOpens_StillNamesTheCause()
    {
        // Polly announces an opening only after other callers can see the circuit open: a caller that looks in
        // between must not get a refusal without its reason.
        for (var round = 0; round < 200; round++)
        {
            using var gateway = Gateway();
            var breaker = gateway.BreakerFor(Model)!;
            using var done = new CancellationTokenSource();
            var watcher = Task.Run(() =>
            {
                while (!done.IsCancellationRequested)
                {
                    if (breaker.Refusal is { } refusal)
                    {
                        return refusal.Message;
                    }
                }

                return breaker.Refusal?.Message;
            });
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => breaker.RecordAsync(CannotConnect()))));
            await done.CancelAsync();

            var seen = await watcher;
            Assert.NotNull(seen);
            Assert.Contains("cannot connect to http://127.0.0.1:9/v1", seen, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OfflineModelsAndModelsWithoutAnEndpoint_HaveNoBreaker()
    {
        using var gateway = new ModelGateway(ModelSettings.Empty);

        Assert.Null(gateway.BreakerFor(ModelName.Parse("lexicon")));
        Assert.Null(gateway.BreakerFor(Model));
    }

    private static ModelCallException CannotConnect() =>
        new(Model.ToString(), 1, null, false,
            "The model 'openai-compatible/m' failed after 1 attempt: cannot connect to http://127.0.0.1:9/v1 (connection refused). Check that the server runs.",
            null, EndpointFailureKind.CannotConnect);

    private static ModelGateway Gateway() => new(ModelSettings.FromValues(new Dictionary<string, string?>
    {
        [OpenAICompatibleProvider.BaseUrlName] = "http://127.0.0.1:9/v1",
    }));
}
