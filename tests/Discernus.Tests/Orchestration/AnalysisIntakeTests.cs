using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Orchestration.Stages;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// The Orchestrator takes the results of a batch of signals in several at once (reading each from the store, writing
/// its file) and counts them in the order of their signals: one at a time, it held a run to about 1,400 analyses a
/// second, and to one store round trip per result on S3.
/// </summary>
public sealed class AnalysisIntakeTests : IDisposable
{
    private const int Documents = 12;
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ABatchOfResults_IsFetchedSeveralAtOnce_AndCountedInSignalOrder_EachReadOnce()
    {
        var (run, folder, store, tasks, signals) = await ArrangeAsync(failFirstReadOf: null);
        var intake = new AnalysisIntake(run, store, CancellationToken.None);
        var stage = Stage(run, tasks, intake);

        await stage.PrefetchAsync(signals);
        foreach (var signal in signals)
        {
            await stage.CountAsync(signal);
        }

        Assert.True(store.MostAtOnce > 1, $"at most {store.MostAtOnce} result read at once");
        Assert.Equal(Documents, store.Reads);
        Assert.Equal(signals.Select(s => s.ResultHash), run.FileChanges().AnalysisResults!.Select(k => k.ToHex()));
        Assert.All(signals, s => Assert.True(File.Exists(Path.Combine(folder.Path, RunFolder.AnalysisResultFile(s.ResultHash!)))));
        Assert.Equal(Documents, stage.Succeeded);
        Assert.Equal(Documents, run.Calls.OfflineAnalyses);
    }

    [Fact]
    public async Task AResultThatFailsToBeFetchedAhead_IsLogged_AndTakenInAgainInItsPlace()
    {
        var (run, folder, store, tasks, signals) = await ArrangeAsync(failFirstReadOf: 5);
        var intake = new AnalysisIntake(run, store, CancellationToken.None);
        var stage = Stage(run, tasks, intake);

        await stage.PrefetchAsync(signals);
        foreach (var signal in signals)
        {
            await stage.CountAsync(signal);
        }

        Assert.Equal(Documents + 1, store.Reads);
        Assert.Equal(signals.Select(s => s.ResultHash), run.FileChanges().AnalysisResults!.Select(k => k.ToHex()));
        run.Log.Dispose();
        var log = await File.ReadAllTextAsync(Path.Combine(folder.Path, RunFolder.LogsFolder, StageNames.BatchAnalysis + ".jsonl"));
        Assert.Contains($"{tasks[5].TaskId}: taking its result in ahead of order failed", log);
    }

    [Fact]
    public async Task ASecondDeliveryOfATask_InTheSameBatch_IsReadAhead_ButNeitherCountedNorWritten()
    {
        var (run, folder, store, tasks, signals) = await ArrangeAsync(failFirstReadOf: null);
        var intake = new AnalysisIntake(run, store, CancellationToken.None);
        var stage = Stage(run, tasks, intake);

        // The task ran twice (at-least-once delivery): its second answer is another result, with another hash.
        var again = await store.PutAsync(DiscernusJson.Serialize(Result(tasks[3].TaskId, 99)));
        var batch = signals.Take(6).Append(new CompletionSignal { TaskId = tasks[3].TaskId, Status = CompletionStatus.Succeeded, ResultHash = again }).ToList();
        await stage.PrefetchAsync(batch);
        foreach (var signal in batch)
        {
            await stage.CountAsync(signal);
        }

        Assert.False(File.Exists(Path.Combine(folder.Path, RunFolder.AnalysisResultFile(again))), "the second delivery's result was written to the run folder");
        Assert.Equal(6, Directory.GetFiles(Path.Combine(folder.Path, "results", "batch_analysis")).Length);
        Assert.Equal(signals.Take(6).Select(s => s.ResultHash), run.FileChanges().AnalysisResults!.Select(k => k.ToHex()));
        Assert.Equal(6, stage.Succeeded);
    }

    private static StageTasks Stage(RunContext run, List<PlannedTask> tasks, AnalysisIntake intake) =>
        // Counting successes touches neither the queue nor Redis: those collaborators are not needed here.
        new(new StageRequest(run, StageNames.BatchAnalysis, TaskPlan.Of(tasks), intake.TakeAsync, Prefetch: intake.PrefetchAsync),
            traceparent: null, tasks: null!, resilience: null!, outage: null!, state: null!, metrics: null, queueWindow: Documents, CancellationToken.None);

    private async Task<(RunContext Run, RunFolder Folder, SlowResultStore Store, List<PlannedTask> Tasks, List<CompletionSignal> Signals)> ArrangeAsync(int? failFirstReadOf)
    {
        var harness = await StageHarness.CreateAsync(_root.Path, Documents);
        var signals = new List<CompletionSignal>();
        foreach (var task in harness.Tasks)
        {
            var hash = await harness.Store.PutAsync(DiscernusJson.Serialize(Result(task.TaskId, signals.Count)));
            signals.Add(new CompletionSignal { TaskId = task.TaskId, Status = CompletionStatus.Succeeded, ResultHash = hash });
        }

        var failing = failFirstReadOf is { } n ? signals[n].ResultHash : null;
        return (harness.Run, harness.Folder, new SlowResultStore(harness.Store, failing), harness.Tasks, signals);
    }

    private static AnalysisResult Result(string taskId, int i) => new()
    {
        DocumentId = new string('a', 64),
        DocumentName = $"{i:D3}.txt",
        CorpusDocumentId = $"{i:D3}.txt",
        FrameworkAnalysis = new Dictionary<string, DimensionScore> { ["warmth"] = new() { Score = i / 100.0 } },
        ProcessingMetadata = new ProcessingMetadata
        {
            Timestamp = "2026-12-07T00:00:00Z",
            Model = "lexicon",
            TokensUsed = new TokenUsage(0, 0),
            PromptHash = new string('b', 64),
            FrameworkHash = new string('c', 64),
            DocumentHash = new string('a', 64),
            TaskId = taskId,
            OfflineAnalyses = 1,
        },
    };

    /// <summary>A real store whose reads take a while (as a remote store's do), counting them and how many overlap; it can fail one result's first read.</summary>
    private sealed class SlowResultStore(IArtifactStore inner, string? failFirstReadOf) : IArtifactStore
    {
        private int _reads;
        private int _atOnce;
        private int _mostAtOnce;
        private int _failed;

        public int Reads => Volatile.Read(ref _reads);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public string Description => inner.Description;

        public string Identity => inner.Identity;

        public async Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            var now = Interlocked.Increment(ref _atOnce);
            int most;
            while (now > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
            {
            }

            try
            {
                await Task.Delay(50, cancellationToken);
                if (hash == failFirstReadOf && Interlocked.Exchange(ref _failed, 1) == 0)
                {
                    throw new ArtifactStoreUnavailableException("the store did not answer (scripted)");
                }

                return await inner.GetAsync(hash, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _atOnce);
            }
        }

        public Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(content, cancellationToken);

        public Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default) => inner.PutFileAsync(path, cancellationToken);

        public Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default) => inner.GetFileAsync(hash, path, cancellationToken);

        public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default) => inner.ExistsAsync(hash, cancellationToken);

        public Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default) => inner.SetRefAsync(name, hash, cancellationToken);

        public Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default) => inner.GetRefAsync(name, cancellationToken);
    }
}
