using System.Text.Json;
using Discernus.Models;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The child side of process isolation: every line the child sends its worker (<see cref="AgentProcessMessage"/>), one
/// JSON object per line on standard output, written whole under a lock so lines from concurrent callers never mix.
/// Its <see cref="Logger"/> and <see cref="Interactions"/> turn log events and model calls into such lines.
/// </summary>
internal sealed class AgentProcessChannel
{
    private readonly TextWriter _output;
    private readonly Lock _gate = new();

    public AgentProcessChannel(TextWriter output)
    {
        _output = output;
        Logger = new ChannelLogger(this);
        Interactions = new ChannelInteractionSink(this);
    }

    public ILogger Logger { get; }

    public ILlmInteractionSink Interactions { get; }

    public void Send(AgentProcessMessage message)
    {
        var line = JsonSerializer.Serialize(message, AgentProcessJsonContext.Default.AgentProcessMessage);
        lock (_gate)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    private sealed class ChannelLogger(AgentProcessChannel channel) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Debug and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message += $" ({exception.GetType().Name}: {exception.Message})";
            }

            channel.Send(new AgentProcessMessage { Log = new AgentProcessMessage.LogEvent(logLevel.ToString(), message) });
        }
    }

    private sealed class ChannelInteractionSink(AgentProcessChannel channel) : ILlmInteractionSink
    {
        public ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
        {
            channel.Send(new AgentProcessMessage { LlmInteraction = interaction });
            return ValueTask.CompletedTask;
        }
    }
}
