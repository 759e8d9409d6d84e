using Microsoft.Extensions.Logging;

namespace Discernus.Coordination;

/// <summary>
/// Garnet's own diagnostics into the process's logging pipeline (category "garnet"), instead of Garnet's default
/// console output. Once the server is being shut down, errors about connections it is closing are expected and are
/// logged at debug level only.
/// </summary>
internal sealed class GarnetLoggerFactory(ILogger logger, Func<bool> stopping) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new GarnetLogger(logger, stopping);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("Garnet's log goes to the Discernus pipeline only.");

    public void Dispose()
    {
        // The pipeline belongs to the host, not to Garnet.
    }

    private sealed class GarnetLogger(ILogger inner, Func<bool> stopping) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning)
            {
                return;
            }

            var message = formatter(state, exception).Split('\n')[0];

            // Expected: connections closed while the server stops, and Garnet noting that it logs through us.
            var expected = (stopping() && exception is ObjectDisposedException or System.Net.Sockets.SocketException)
                || message.StartsWith("Received an external ILoggerFactory", StringComparison.Ordinal);
            inner.Log(expected ? LogLevel.Debug : logLevel, eventId, "Garnet: {Message}", message);
        }
    }
}
