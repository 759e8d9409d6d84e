using Discernus.Cli.Commands;
using Discernus.Application;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace Discernus.Tests.Cli;

/// <summary>
/// Progress for pipes and logs: a line at least every tenth of the tasks or every five seconds, whichever comes first,
/// with a rate smoothed over the last seconds (no absurd first estimate) and the run's cache hits and retries.
/// </summary>
public sealed class ProgressViewTests
{
    [Fact]
    public void PlainView_WritesALineEveryTenth_EvenWhenCompletionsArriveInBatches()
    {
        var (view, output, time) = Plain();

        view.Update(State(0, 2000));
        foreach (var completed in new[] { 137, 389, 512, 955, 1204, 1580, 1999, 2000 })
        {
            time.Advance(TimeSpan.FromSeconds(1));
            view.Update(State(completed, 2000));
        }

        var lines = Lines(output).Where(l => l.Contains("/2000 done", StringComparison.Ordinal)).ToList();
        // 137 is still within the first tenth (and less than five seconds later), so it has no line of its own.
        Assert.Equal(["0/2000", "389/2000", "512/2000", "955/2000", "1204/2000", "1580/2000", "1999/2000", "2000/2000"], lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]));
    }

    [Fact]
    public void PlainView_WritesALineEveryFiveSeconds_WhenTheStageMovesSlowly_OrNotAtAll()
    {
        var (view, output, time) = Plain();

        view.Update(State(0, 1000));
        for (var second = 1; second <= 20; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            view.Update(State(second < 12 ? second : 12, 1000));
        }

        Assert.Equal(5, Lines(output).Count(l => l.Contains("/1000 done", StringComparison.Ordinal)));
    }

    [Fact]
    public void RemainingTime_ComesFromTheRecentRate_NotFromTheTimeBeforeTheFirstCompletion()
    {
        var (view, output, time) = Plain();

        // A minute passes before anything finishes (a slow start), then 50 tasks a second.
        view.Update(State(0, 1000));
        time.Advance(TimeSpan.FromSeconds(60));
        view.Update(State(1, 1000));
        for (var second = 1; second <= 6; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            view.Update(State(1 + (second * 50), 1000));
        }

        var last = Lines(output).Last();
        Assert.Contains("50/s", last);
        Assert.Contains("ETA 14 s", last);
    }

    [Fact]
    public void PlainView_ShowsCacheHitsRetriesAndFailures_Live()
    {
        var (view, output, time) = Plain();

        view.Update(State(0, 100));
        time.Advance(TimeSpan.FromSeconds(2));
        view.Update(State(50, 100) with { CacheHits = 40, Retries = 3, Failed = 1 });

        var last = Lines(output).Last();
        Assert.Contains("40 cache hit(s)", last);
        Assert.Contains("3 retries", last);
        Assert.Contains("1 failed", last);
    }

    private static (PlainProgressView View, StringWriter Output, FakeTimeProvider Time) Plain()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 240;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        return (new PlainProgressView(console, time), output, time);
    }

    private static RunUpdate State(int completed, int total) => new("batch_analysis", "running", total, completed, Failed: 0);

    private static List<string> Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
