using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Garnet;

namespace Discernus.Coordination;

/// <summary>
/// Microsoft Garnet inside this process on a free 127.0.0.1 port, so a plain `discernus run` needs no Redis
/// installed. Quiet (no banner), no persistence: no AOF, no storage tier, no recovery. Stops on dispose.
/// </summary>
internal sealed class EmbeddedGarnetServer : IAsyncDisposable
{
    private const int StartAttempts = 5;

    private readonly GarnetServer _server;
    private int _disposed;

    private readonly StrongBox<bool> _stopping;

    private EmbeddedGarnetServer(GarnetServer server, IPEndPoint endPoint, StrongBox<bool> stopping)
    {
        _server = server;
        EndPoint = endPoint;
        _stopping = stopping;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>host:port, usable as DISCERNUS_REDIS_URL by child processes.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{EndPoint.Port}");

    public RedisConnectionFactory CreateConnectionFactory() => RedisConnectionFactory.ForEndPoint(EndPoint);

    public static async Task<EmbeddedGarnetServer> StartAsync(EmbeddedGarnetServerOptions? options = null, CancellationToken cancellationToken = default, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        options ??= new EmbeddedGarnetServerOptions();
        var stopping = new StrongBox<bool>();
        var loggerFactory = new GarnetLoggerFactory(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, () => stopping.Value);
        Exception? lastError = null;

        // The free port can be taken between probing and binding; another port then usually works.
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var port = FreeLoopbackPort();
            try
            {
                var server = await Task.Run(() => Start(Arguments(options, port), loggerFactory), cancellationToken).ConfigureAwait(false);
                return new EmbeddedGarnetServer(server, new IPEndPoint(IPAddress.Loopback, port), stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lastError = ex;
            }
        }

        throw new CoordinationFaultException(
            $"The embedded Garnet server did not start on 127.0.0.1 ({StartAttempts} attempts): {lastError?.Message} "
            + $"Point {RedisConnectionFactory.UrlEnvironmentVariable} at an external Redis 6.2+ instead.",
            lastError);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Dispose closes the listener and the sessions synchronously; keep it off the caller's thread.
        _stopping.Value = true;
        await Task.Run(() => _server.Dispose()).ConfigureAwait(false);
    }

    public override string ToString() => "embedded Garnet at " + Address;

    private static GarnetServer Start(string[] arguments, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        var server = new GarnetServer(arguments, loggerFactory: loggerFactory, cleanupDir: false, authenticationSettingsOverride: null);
        try
        {
            server.Start();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static string[] Arguments(EmbeddedGarnetServerOptions options, int port) =>
    [
        "--bind", "127.0.0.1",
        "--port", port.ToString(CultureInfo.InvariantCulture),
        "-q",
        // Settles are Lua scripts that must be atomic, as they are on Redis.
        "--lua", "--lua-transaction-mode",
        "--memory", options.LogMemorySize,
        "--page", options.PageSize,
        "--index", options.IndexMemorySize,
        // Every task's contract and attempt counter are deleted when it is acked: without revivification each new task
        // appends to the log (about 900 bytes per document, measured), so the log grew with the corpus until it would
        // drop records. With it, new records reuse the space of deleted ones.
        "--reviv",
        "--expired-key-deletion-scan-freq", options.ExpiredKeyScanSeconds.ToString(CultureInfo.InvariantCulture),
    ];

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
