using System.Globalization;
using Discernus.Application;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal interface IProgressView
{
    Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> watch, CancellationToken cancellationToken);

    void Update(RunUpdate state);

    /// <summary>A line the run's Orchestrator addressed to its watchers (an outage, a recovery, a resume's tally), shown once.</summary>
    void Notice(string message);
}

/// <summary>
/// Shared bookkeeping of a run's progress: the stage, its counts, and a rate smoothed over the last seconds (so the
/// remaining time is not thrown off by a slow start or a pause), plus the model calls the run has made so far.
/// </summary>
internal abstract class ProgressViewBase(TimeProvider time)
{
    // The rate is measured over this window: long enough to smooth bursts of completions, short enough to follow a change.
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly long _started = time.GetTimestamp();
    private readonly Queue<(long At, int Completed)> _samples = new();
    private string? _stage;

    protected TimeProvider Time => time;

    protected List<string> Done { get; } = [];

    protected string? Stage => _stage;

    protected RunUpdate? Last { get; private set; }

    protected bool Track(RunUpdate state)
    {
        var changed = state.Stage != _stage;
        if (changed)
        {
            if (_stage is not null)
            {
                Done.Add(_stage);
            }

            _stage = state.Stage;
            _samples.Clear();
        }

        Last = state;
        var now = time.GetTimestamp();
        _samples.Enqueue((now, state.Completed ?? 0));
        while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().At, now) > RateWindow)
        {
            _samples.Dequeue();
        }

        return changed;
    }

    protected string Elapsed => FormatSeconds(time.GetElapsedTime(_started).TotalSeconds);

    /// <summary>Tasks per second over the window, or null until there is a measurable rate.</summary>
    protected double? Rate
    {
        get
        {
            if (_samples.Count < 2)
            {
                return null;
            }

            var (firstAt, firstCompleted) = _samples.Peek();
            var seconds = time.GetElapsedTime(firstAt).TotalSeconds;
            var done = (Last?.Completed ?? 0) - firstCompleted;
            return seconds >= 1 && done > 0 ? done / seconds : null;
        }
    }

    /// <summary>The remaining time, once enough tasks have finished for the rate to mean something.</summary>
    protected TimeSpan? Remaining =>
        Last is { Total: > 0 and var total, Completed: { } completed } && completed >= Math.Min(10, total) && completed < total && Rate is { } rate
            ? TimeSpan.FromSeconds((total - completed) / rate)
            : null;

    protected string Details()
    {
        if (Last is not { } state)
        {
            return "";
        }

        var parts = new List<string>();
        if (Rate is { } rate)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{rate:0.#}/s"));
        }

        if (Remaining is { } remaining)
        {
            parts.Add($"ETA {FormatSeconds(remaining.TotalSeconds)}");
        }

        if (state.Failed is > 0)
        {
            parts.Add($"{state.Failed} failed");
        }

        if (state.CacheHits is > 0)
        {
            parts.Add($"{state.CacheHits} cache hit(s)");
        }

        if (state.Retries is > 0)
        {
            parts.Add($"{state.Retries} retries");
        }

        return string.Join(", ", parts);
    }

    protected static string FormatSeconds(double seconds) =>
        seconds < 90 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s") : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds < 3600 ? @"m\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);
}

/// <summary>On a terminal: Spectre.Console's Progress, one bar per stage with counts, rate, remaining time, cache hits and retries.</summary>
internal sealed class LiveProgressView(IAnsiConsole console, TimeProvider time) : ProgressViewBase(time), IProgressView
{
    private readonly Dictionary<string, ProgressTask> _bars = new(StringComparer.Ordinal);
    private ProgressContext? _context;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> watch, CancellationToken cancellationToken) =>
        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _context = context;
                return await watch(cancellationToken);
            });

    // Spectre draws the progress bars below whatever is written meanwhile.
    public void Notice(string message) => console.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");

    public void Update(RunUpdate state)
    {
        if (_context is null || state.Stage is not { } stage)
        {
            return;
        }

        if (Track(state))
        {
            foreach (var previous in Done.Where(_bars.ContainsKey))
            {
                var bar = _bars[previous];
                bar.Value = bar.MaxValue;
                bar.StopTask();
            }
        }

        if (!_bars.TryGetValue(stage, out var current))
        {
            current = _context.AddTask(state.StageTitle, maxValue: Math.Max(1, state.Total ?? 1));
            _bars[stage] = current;
        }

        current.MaxValue = Math.Max(1, state.Total ?? 1);
        current.Value = Math.Min(current.MaxValue, state.Completed ?? 0);
        var counts = state.Total is { } total ? $"{state.Completed ?? 0}/{total}" : "";
        var details = Details();
        current.Description = Markup.Escape($"{state.StageTitle,-15} {counts}{(details.Length > 0 ? "  " + details : "")}");
        if (state.Final)
        {
            current.StopTask();
        }
    }
}

/// <summary>
/// For logs and pipes: a line per stage, then a progress line at least every tenth of the stage's tasks or every
/// <see cref="Interval"/>, whichever comes first, with rate, remaining time, cache hits and retries.
/// </summary>
internal sealed class PlainProgressView(IAnsiConsole console, TimeProvider time) : ProgressViewBase(time), IProgressView
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private int _lastTenth = -1;
    private int _lastCompleted = -1;
    private long _lastLine;

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> watch, CancellationToken cancellationToken) => watch(cancellationToken);

    public void Notice(string message) => console.WriteLine($"[{Elapsed}] {message}");

    public void Update(RunUpdate state)
    {
        if (Track(state))
        {
            _lastTenth = -1;
            _lastCompleted = -1;
            _lastLine = Time.GetTimestamp();
            console.WriteLine($"[{Elapsed}] {state.StageTitle}");
        }

        if (state.Total is not ({ } total and > 1) || state.Completed is not { } completed)
        {
            return;
        }

        var tenth = (int)(completed * 10L / total);
        // Even a stage that does not move says so every few seconds: a log that goes quiet looks like a hang.
        var due = Time.GetElapsedTime(_lastLine) >= Interval;
        if (tenth > _lastTenth || due || (completed == total && completed != _lastCompleted))
        {
            _lastTenth = tenth;
            _lastCompleted = completed;
            _lastLine = Time.GetTimestamp();
            var details = Details();
            console.WriteLine($"[{Elapsed}]   {completed}/{total} done{(details.Length > 0 ? ", " + details : "")}");
        }
    }
}
