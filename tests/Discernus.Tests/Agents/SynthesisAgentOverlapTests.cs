using System.Text;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Offline.Lexicon;
using Discernus.Provenance;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Agents;

/// <summary>
/// A synthesis writes its export tables while the model interprets the statistics: each store of a table here waits
/// until the model has been asked, which never happens when the tables come first.
/// </summary>
public sealed class SynthesisAgentOverlapTests : IDisposable
{
    private const string RunId = "20261208T000000Z-overlap";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TheExportTables_AreWrittenWhileTheModelIsAsked()
    {
        var (store, json) = await SetUpAsync();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = new SynthesisAgent(new AgentContext
        {
            Store = new ExportsAfterSignalStore(store, asked.Task),
            Runs = new Services(new SignallingChatClient(new LexiconChatClient(), asked, answer: null)),
        });

        var outcome = await agent.HandleAsync(json, CancellationToken.None).WaitAsync(Bound);

        Assert.True(outcome.Succeeded, outcome.Error);
        var synthesis = JsonSerializer.Deserialize<SynthesisResult>((await store.GetAsync(outcome.ResultHash!))!, DiscernusJson.Indented)!;
        var scores = Encoding.UTF8.GetString((await store.GetAsync(synthesis.Exports["scores.csv"]))!);
        Assert.Equal(40 + 1, scores.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(7, synthesis.Exports.Count);
        Assert.NotNull(synthesis.SynthesisTextHash);
    }

    [Fact]
    public async Task AnInterpretationThatFails_StopsTheTables_AndIsTheReasonGiven()
    {
        var (store, json) = await SetUpAsync();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        var agent = new SynthesisAgent(new AgentContext
        {
            // The tables never finish on their own: the agent must stop them, not wait for them.
            Store = new ExportsAfterSignalStore(store, never.Task),
            Runs = new Services(new SignallingChatClient(new LexiconChatClient(), asked, answer: " ")),
        });

        var outcome = await agent.HandleAsync(json, CancellationToken.None).WaitAsync(Bound);

        Assert.False(outcome.Succeeded);
        Assert.Contains("returned an empty synthesis", outcome.Error, StringComparison.Ordinal);
        Assert.True(asked.Task.IsCompleted);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<(IArtifactStore Store, string Json)> SetUpAsync()
    {
        var store = ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = Path.Combine(_root, "artifacts") });
        var (json, _) = await SynthesisInputs.StoreAsync(store, RunId, 40, new SynthesisParams { ExperimentName = "overlap" });
        return (store, json);
    }

    /// <summary>A real store whose stores of files (the export tables) wait for a signal, or for their cancellation.</summary>
    private sealed class ExportsAfterSignalStore(IArtifactStore inner, Task signal) : IArtifactStore
    {
        public string Description => inner.Description;

        public string Identity => inner.Identity;

        public Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(content, cancellationToken);

        public async Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default)
        {
            await signal.WaitAsync(Bound, cancellationToken);
            return await inner.PutFileAsync(path, cancellationToken);
        }

        public Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default) => inner.GetAsync(hash, cancellationToken);

        public Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default) => inner.GetFileAsync(hash, path, cancellationToken);

        public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default) => inner.ExistsAsync(hash, cancellationToken);

        public Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default) => inner.SetRefAsync(name, hash, cancellationToken);

        public Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default) => inner.GetRefAsync(name, cancellationToken);
    }

    /// <summary>Signals when the model is asked; answers as the lexicon does, or with <c>answer</c> when given.</summary>
    private sealed class SignallingChatClient(IChatClient inner, TaskCompletionSource asked, string? answer) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            asked.TrySetResult();
            return answer is null
                ? await base.GetResponseAsync(messages, options, cancellationToken)
                : new ChatResponse(new ChatMessage(ChatRole.Assistant, answer));
        }
    }

    private sealed class Services(IChatClient client) : IRunServices
    {
        public RunLog? LogFor(string runId) => null;

        public IChatClient ClientFor(string runId, string model) => client;

        public decimal? CostOf(string model, long promptTokens, long completionTokens) => 0m;
    }
}
