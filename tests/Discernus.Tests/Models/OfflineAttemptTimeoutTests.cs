using Discernus.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

/// <summary>An offline model's call is bounded by the same attempt timeout as a provider's (DISCERNUS_MODEL_TIMEOUT_SECONDS).</summary>
public sealed class OfflineAttemptTimeoutTests
{
    [Fact]
    public async Task AnOfflineCallThatNeverEnds_TimesOut_AndIsRecordedAsTimedOut()
    {
        // Before, an offline client had no bound: a call that never ended (as a minilm call lost between two turns of
        // the encoder once did) held its task until the stage's stall timeout, 600 s, failed the whole run.
        using var hanging = new HangingOfflineModel();
        var sink = new MemoryInteractionSink();
        using var gateway = new ModelGateway(
            ModelSettings.FromValues(new Dictionary<string, string?> { [ModelSettings.TimeoutVariable] = "1" }),
            new ModelGatewayOptions { OfflineModels = [hanging] },
            sink);
        using var client = gateway.CreateClient("minilm");

        var call = client.GetResponseAsync("analyse");
        var ended = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(60)));

        Assert.Same(call, ended);
        await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(() => call);
        Assert.True(hanging.Cancelled, "the offline client was not told to stop");
        Assert.Contains("timed out", Assert.Single(sink.Records).Error);
    }

    [Fact]
    public async Task AnOfflineCallInTime_IsAnsweredAsBefore()
    {
        using var gateway = new ModelGateway(
            ModelSettings.FromValues(new Dictionary<string, string?> { [ModelSettings.TimeoutVariable] = "30" }),
            new ModelGatewayOptions { OfflineModels = [new Discernus.Offline.Lexicon.LexiconOfflineModel()] },
            new MemoryInteractionSink());
        using var client = gateway.CreateClient("lexicon");

        var response = await client.GetResponseAsync("Say hello.");

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
    }

    private sealed class HangingOfflineModel : IOfflineModel
    {
        private int _cancelled;

        public bool Cancelled => Volatile.Read(ref _cancelled) == 1;

        public ModelProvider Provider => ModelProvider.MiniLM;

        public IChatClient CreateClient() => new HangingClient(this);

        public void WarmUp()
        {
        }

        public void Dispose()
        {
        }

        private sealed class HangingClient(HangingOfflineModel model) : IChatClient
        {
            public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Exchange(ref model._cancelled, 1);
                    throw;
                }

                throw new InvalidOperationException("unreachable");
            }

            public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                throw new NotSupportedException();

            public object? GetService(Type serviceType, object? serviceKey = null) => null;

            public void Dispose()
            {
            }
        }
    }
}
