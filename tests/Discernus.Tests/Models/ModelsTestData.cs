using System.Collections.Concurrent;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

/// <summary>Frameworks and hand-written fakes shared by the Models tests.</summary>
internal static class ModelsTestData
{
    public static Framework HopeFearFramework(bool withMarkerlessDimension = false)
    {
        var dimensions = new List<Dimension>
        {
            new()
            {
                Name = "hope",
                Description = "Optimism about the future",
                PositiveMarkers = ["hope", "better future", "we will overcome", "bright days"],
                NegativeMarkers = ["hopeless", "no future"],
            },
            new()
            {
                Name = "fear",
                Description = "Threat and danger",
                PositiveMarkers = ["fear", "danger", "threat", "they're coming"],
                NegativeMarkers = ["nothing to fear"],
            },
        };
        if (withMarkerlessDimension)
        {
            dimensions.Add(new Dimension { Name = "dignity", Description = "Respect for persons" });
        }

        return new Framework
        {
            Name = "hope_fear_test",
            FilePath = "/tmp/framework.md",
            Text = "# Hope and fear\n" + string.Join(",", dimensions.Select(d => d.Name)),
            Dimensions = dimensions,
        };
    }

    /// <summary>Gateway options with the lexicon registered, as every host of the library registers it.</summary>
    public static ModelGatewayOptions WithLexicon(ModelGatewayOptions? options = null) =>
        (options ?? new ModelGatewayOptions()) with { OfflineModels = [new LexiconOfflineModel()] };

    public static IReadOnlyDictionary<string, string?> Env(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);
}

/// <summary>An <see cref="IChatClient"/> driven by a delegate, counting its calls.</summary>
internal sealed class FakeChatClient(Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> respond) : IChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public List<ChatOptions?> Options { get; } = [];

    public static FakeChatClient Answering(string text) =>
        new((_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20 },
        }));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        lock (Options)
        {
            Options.Add(options);
        }

        return respond(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Keeps interaction records in memory.</summary>
internal sealed class MemoryInteractionSink : ILlmInteractionSink
{
    private readonly ConcurrentQueue<LlmInteraction> _records = new();

    public IReadOnlyList<LlmInteraction> Records => _records.ToArray();

    public ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        _records.Enqueue(interaction);
        return ValueTask.CompletedTask;
    }
}

/// <summary>An in-memory response cache standing in for the artifact-store implementation.</summary>
internal sealed class MemoryResponseCache : IResponseCache
{
    private readonly ConcurrentDictionary<string, byte[]> _entries = new();

    public IReadOnlyCollection<string> Keys => _entries.Keys.ToArray();

    public ValueTask<CachedChatResponse?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var bytes) ? CachedChatResponse.FromJsonBytes(bytes) : null);

    public ValueTask SetAsync(string key, CachedChatResponse response, CancellationToken cancellationToken = default)
    {
        _entries[key] = response.ToJsonBytes();
        return ValueTask.CompletedTask;
    }
}
