using Microsoft.Extensions.Logging;

namespace Discernus.Coordination;

/// <summary>
/// An embedded server started before the host that will use it: `discernus run` begins it while the experiment is
/// validated and its documents stored (which need no Redis), so the host adopts a running server instead of waiting
/// for one (about a quarter of a second of every run's start on two cores). Garnet's warnings are held until the host
/// adopts the server and names the logger they belong in. A start that no host adopted is stopped on dispose.
/// </summary>
internal sealed class EmbeddedGarnetStart : IAsyncDisposable
{
    private readonly HeldLogger _log = new();
    private readonly Task<EmbeddedGarnetServer> _starting;
    private int _taken;

    private EmbeddedGarnetStart(EmbeddedGarnetServerOptions? options) =>
        _starting = EmbeddedGarnetServer.StartAsync(options, CancellationToken.None, _log);

    public static EmbeddedGarnetStart Begin(EmbeddedGarnetServerOptions? options = null) => new(options);

    /// <summary>Where the server listens once started (without taking it over); for tests.</summary>
    internal async Task<System.Net.IPEndPoint> EndPointAsync() => (await _starting.ConfigureAwait(false)).EndPoint;

    /// <summary>The started server, now owned by the caller; its log goes to <paramref name="logger"/> from here on (earlier warnings first).</summary>
    public Task<EmbeddedGarnetServer> AdoptAsync(ILogger logger)
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0)
        {
            throw new InvalidOperationException("this embedded server was already adopted by a host");
        }

        _log.Attach(logger);
        return _starting;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0)
        {
            return;
        }

        try
        {
            await (await _starting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (CoordinationFaultException)
        {
            // It never started, and nothing used it: the run that would have said so did not start either.
        }
    }

    /// <summary>Forwards to the host's logger once attached; before that, keeps what is logged (at most <see cref="Held"/> entries) for it.</summary>
    internal sealed class HeldLogger : ILogger
    {
        private const int Held = 100;
        private readonly Lock _gate = new();
        private readonly List<Action<ILogger>> _held = [];
        private ILogger? _target;

        public void Attach(ILogger target)
        {
            lock (_gate)
            {
                _held.ForEach(entry => entry(target));
                _held.Clear();
                _target = target;
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Volatile.Read(ref _target)?.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => Volatile.Read(ref _target)?.IsEnabled(logLevel) ?? logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ILogger target;
            lock (_gate)
            {
                if (_target is null)
                {
                    if (_held.Count < Held)
                    {
                        _held.Add(attached => attached.Log(logLevel, eventId, state, exception, formatter));
                    }

                    return;
                }

                target = _target;
            }

            target.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
