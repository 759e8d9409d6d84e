using System.Globalization;
using Discernus.Coordination;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal interface IProgressView
{
    Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> watch, CancellationToken cancellationToken);

    void Update(RunState state);
}

/// <summary>Shared bookkeeping: which stages are done, how many tasks, elapsed and ETA.</summary>
internal abstract class ProgressViewBase(TimeProvider time)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private DateTimeOffset? _stageStarted;
    private string? _stage;

    protected List<string> Done { get; } = [];

    protected string? Stage => _stage;

    protected RunState? Last { get; private set; }

    protected bool Track(RunState state)
    {
        var changed = state.Stage != _stage;
        if (changed)
        {
            if (_stage is not null)
            {
                Done.Add(_stage);
            }

            _stage = state.Stage;
            _stageStarted = time.GetUtcNow();
        }

        Last = state;
        return changed;
    }

    protected string Elapsed => $"{(time.GetUtcNow() - _started).TotalSeconds:F0} s";

    protected string Eta()
    {
        if (Last is not { Total: > 0 and var total, Completed: > 0 and var completed } || _stageStarted is not { } since || completed >= total)
        {
            return "";
        }

        var perTask = (time.GetUtcNow() - since).TotalSeconds / completed;
        return $", ETA {(perTask * (total - completed)).ToString("F0", CultureInfo.InvariantCulture)} s";
    }
}

internal sealed class LiveProgressView(IAnsiConsole console, TimeProvider time) : ProgressViewBase(time), IProgressView
{
    private LiveDisplayContext? _live;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> watch, CancellationToken cancellationToken) =>
        await console.Live(Render()).AutoClear(false).StartAsync(async live =>
        {
            _live = live;
            return await watch(cancellationToken);
        });

    public void Update(RunState state)
    {
        Track(state);
        _live?.UpdateTarget(Render());
    }

    private Table Render()
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("stage", "status", "progress");
        foreach (var stage in StageNames.InOrder)
        {
            var (status, progress) = stage == Stage && Last?.Status is not (RunStatus.Completed or RunStatus.CompletedWithFailures)
                ? ("[blue]running[/]", Last is { Total: { } total } ? $"{Last.Completed ?? 0}/{total} done{(Last.Failed is > 0 ? $", {Last.Failed} failed" : "")}{Eta()}" : "")
                : Done.Contains(stage) || Last?.Status is RunStatus.Completed or RunStatus.CompletedWithFailures ? ("[green]✓[/]", "") : ("[dim]pending[/]", "");
            table.AddRow(StageNames.Title(stage), status, progress);
        }

        table.Caption($"elapsed {Elapsed}");
        return table;
    }
}

/// <summary>For logs and pipes: one plain line per stage change and per tenth of a stage's tasks.</summary>
internal sealed class PlainProgressView(IAnsiConsole console, TimeProvider time) : ProgressViewBase(time), IProgressView
{
    private int _lastReported = -1;

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> watch, CancellationToken cancellationToken) => watch(cancellationToken);

    public void Update(RunState state)
    {
        if (Track(state))
        {
            _lastReported = -1;
            console.WriteLine($"[{Elapsed}] {StageNames.Title(state.Stage ?? "?")}");
        }

        if (state.Total is > 1 and var total && state.Completed is { } completed && completed != _lastReported
            && (completed == total || completed % Math.Max(1, total / 10) == 0))
        {
            _lastReported = completed;
            console.WriteLine($"[{Elapsed}]   {completed}/{total} done{(state.Failed is > 0 ? $", {state.Failed} failed" : "")}{Eta()}");
        }
    }
}
