using System.Globalization;
using Discernus.MiniLM;

namespace Discernus.Tests.MiniLM;

public sealed class MiniLMCallQueueTests
{
    [Fact]
    public async Task TurnsTakingSideBySide_TakeEveryCallExactlyOnce()
    {
        // Two turns that looked at the same call and removed the one behind it lost that call for ever (a 3,000-document
        // minilm run stalled with one document unfinished). A full queue and a taker per core, one call per take, so
        // the takers meet at the queue's head as often as they can.
        const int count = 400_000;
        var queue = new MiniLMCallQueue();
        var calls = Enumerable.Range(0, count).Select(i => new MiniLMCall([i.ToString(CultureInfo.InvariantCulture)])).ToArray();
        foreach (var call in calls)
        {
            queue.Enqueue(call);
        }

        var taken = new int[count];
        var turn = Task.CompletedTask;
        using var start = new Barrier(Math.Max(2, Environment.ProcessorCount));
        var takers = Enumerable.Range(0, start.ParticipantCount).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                while (queue.Take(turn, maxTexts: 1) is [var call])
                {
                    Interlocked.Increment(ref taken[int.Parse(call.Texts[0], CultureInfo.InvariantCulture)]);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(takers);

        Assert.Equal(0, taken.Count(t => t == 0));
        Assert.Equal(0, taken.Count(t => t > 1));
    }

    [Fact]
    public void ATurn_TakesAtLeastOneCall_ThenWhatFits_AndSkipsCancelledCalls()
    {
        var queue = new MiniLMCallQueue();
        var big = new MiniLMCall([.. Enumerable.Repeat("text", 10)]);
        var cancelled = new MiniLMCall(["gone"]);
        cancelled.Result.SetCanceled();
        var small = new MiniLMCall(["a", "b"]);
        var last = new MiniLMCall(["c"]);
        foreach (var call in new[] { big, cancelled, small, last })
        {
            queue.Enqueue(call);
        }

        var turn = new TaskCompletionSource().Task;
        var first = queue.Take(turn, maxTexts: 4);
        var second = queue.Take(turn, maxTexts: 2);
        var third = queue.Take(turn, maxTexts: 2);

        Assert.Equal([big], first);
        Assert.Same(turn, big.Turn);
        Assert.Equal([small], second);
        Assert.Equal([last], third);
        Assert.Null(cancelled.Turn);
        Assert.Empty(queue.Take(turn, maxTexts: 2));
    }
}
