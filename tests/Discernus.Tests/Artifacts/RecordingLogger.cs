using Microsoft.Extensions.Logging;

namespace Discernus.Tests.Artifacts;

/// <summary>Keeps every formatted log line, and lets a test wait for the first warning instead of sleeping.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _entries = [];
    private readonly TaskCompletionSource _firstWarning = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task FirstWarning => _firstWarning.Task;

    public IReadOnlyList<(LogLevel Level, string Text)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public int Warnings => Entries.Count(e => e.Level == LogLevel.Warning);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception) + (exception is null ? "" : $" {exception}");
        lock (_entries)
        {
            _entries.Add((logLevel, text));
        }

        if (logLevel >= LogLevel.Warning)
        {
            _firstWarning.TrySetResult();
        }
    }
}
