using Discernus.Concurrency;

namespace Discernus.Tests.Concurrency;

/// <summary>
/// One computation per key for every caller at once; no caller's cancellation stops it for the others; a computation
/// that failed or was cancelled is forgotten. The agents' parsed artifacts, the claim connections and minilm's dimension
/// profiles share it: the first two forgot only failures that were not cancellations, so a load cancelled inside (an
/// HTTP time-out of the store is one) stayed remembered, failing every later task with it.
/// </summary>
public sealed class SharedTasksTests
{
    [Fact]
    public async Task CallersAskingTogether_ShareOneComputation()
    {
        var shared = new SharedTasks<string, int>(StringComparer.Ordinal);
        var started = 0;
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(() => shared.GetAsync("framework", _ =>
        {
            Interlocked.Increment(ref started);
            return release.Task;
        }, CancellationToken.None))).ToList();
        await Task.Delay(50);
        release.SetResult(42);

        Assert.All(await Task.WhenAll(callers), value => Assert.Equal(42, value));
        Assert.Equal(1, started);
        Assert.Equal(42, await shared.GetAsync("framework", _ => throw new InvalidOperationException("computed twice"), CancellationToken.None));
    }

    [Fact]
    public async Task ACallerGivingUp_DoesNotStopTheComputationForTheOthers()
    {
        var shared = new SharedTasks<string, int>(StringComparer.Ordinal);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var impatient = new CancellationTokenSource();

        var gaveUp = shared.GetAsync("key", _ => release.Task, impatient.Token);
        var waits = shared.GetAsync("key", _ => throw new InvalidOperationException("computed twice"), CancellationToken.None);
        await impatient.CancelAsync();
        release.SetResult(7);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        Assert.Equal(7, await waits);
        Assert.True(shared.Contains("key"));
    }

    [Fact]
    public async Task AComputationCancelledInside_IsForgotten_AndTheNextCallerComputesAgain()
    {
        var shared = new SharedTasks<string, int>(StringComparer.Ordinal);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => shared.GetAsync("key", _ => Task.FromCanceled<int>(new CancellationToken(canceled: true)), CancellationToken.None));

        Assert.False(shared.Contains("key"));
        Assert.Equal(3, await shared.GetAsync("key", _ => Task.FromResult(3), CancellationToken.None));
    }

    [Fact]
    public async Task AFailedComputation_IsForgotten_ButANewerOneStays()
    {
        var shared = new SharedTasks<string, int>(StringComparer.Ordinal);
        var fail = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = shared.GetAsync("key", _ => fail.Task, CancellationToken.None);
        fail.SetException(new IOException("store unreachable"));

        var error = await Assert.ThrowsAsync<IOException>(() => first);
        var second = await shared.GetAsync("key", _ => Task.FromResult(5), CancellationToken.None);

        Assert.Equal("store unreachable", error.Message);
        Assert.Equal(5, second);
        var values = await Task.WhenAll(shared.Started());
        Assert.Equal(5, Assert.Single(values));
    }
}
