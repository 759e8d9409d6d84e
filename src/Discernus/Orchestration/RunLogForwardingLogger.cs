using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The process logger, plus a copy of every event that names a run this process serves (a <c>RunId</c> property in
/// its message template) in that run's <c>logs/coordination.jsonl</c>: a retry, a dropped task or an adoption is then
/// part of the run's own audit trail, not only of the process log.
/// </summary>
internal sealed class RunLogForwardingLogger(ILogger inner, RunRegistry runs, string category) : ILogger
{
    public const string RunIdProperty = "RunId";
    public const string LogFile = "coordination";

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel) || logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (inner.IsEnabled(logLevel))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }

        if (logLevel < LogLevel.Information || state is not IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            return;
        }

        var runId = properties.FirstOrDefault(p => p.Key == RunIdProperty).Value as string;
        if (runId is null || runs.LogFor(runId) is not { } log)
        {
            return;
        }

        log.Write(LogFile, category, logLevel switch
        {
            LogLevel.Information => "info",
            LogLevel.Warning => "warning",
            _ => "error",
        }, formatter(state, exception), exception is null ? null : new Dictionary<string, object?> { ["exception"] = $"{exception.GetType().Name}: {exception.Message}" });
    }
}
