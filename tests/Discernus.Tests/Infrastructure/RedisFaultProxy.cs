using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Discernus.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback in front of a real Redis-protocol server, for faults a test must cause precisely: drop
/// every connection (what CLIENT KILL or a network blip does), or let one command reach the server and then cut the
/// connection before its reply comes back (a reply lost after the server applied the command).
/// </summary>
public sealed class RedisFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Pair, byte> _pairs = new();
    private readonly Task _accepting;
    private volatile string? _cutAfter;
    private int _cuts;

    public RedisFaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections were cut after a matching command.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>The next request containing <paramref name="marker"/> reaches the server; its reply never reaches the client.</summary>
    public void CutAfterNextRequestContaining(string marker) => _cutAfter = marker;

    /// <summary>Closes every open connection, as CLIENT KILL does.</summary>
    public int DropAll()
    {
        var dropped = 0;
        foreach (var pair in _pairs.Keys)
        {
            pair.Close();
            dropped++;
        }

        return dropped;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        DropAll();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The listener was stopped under the accept loop: that is how it ends.
            _ = ex;
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            var pair = new Pair(client, server);
            _pairs.TryAdd(pair, 0);
            _ = Task.Run(() => PumpAsync(pair));
        }
    }

    private async Task PumpAsync(Pair pair)
    {
        var toServer = ForwardRequestsAsync(pair);
        var toClient = ForwardRepliesAsync(pair);
        await Task.WhenAny(toServer, toClient);
        pair.Close();
        _pairs.TryRemove(pair, out _);
    }

    private async Task ForwardRequestsAsync(Pair pair)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var from = pair.Client.GetStream();
            var to = pair.Server.GetStream();
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    return;
                }

                if (_cutAfter is { } marker && Encoding.ASCII.GetString(buffer, 0, read).Contains(marker, StringComparison.OrdinalIgnoreCase))
                {
                    // The reply pump swallows the next reply (this command's, when nothing else is in flight) and cuts.
                    _cutAfter = null;
                    pair.Cutting = true;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // A closed connection ends the pump; the client reconnects through the proxy.
            _ = ex;
        }
    }

    private async Task ForwardRepliesAsync(Pair pair)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var from = pair.Server.GetStream();
            var to = pair.Client.GetStream();
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    return;
                }

                if (pair.Cutting)
                {
                    // The server has applied the command and answered; the client never hears it.
                    Interlocked.Increment(ref _cuts);
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            _ = ex;
        }
    }

    private sealed class Pair(TcpClient client, TcpClient server)
    {
        public TcpClient Client { get; } = client;

        public TcpClient Server { get; } = server;

        public volatile bool Cutting;

        public void Close()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
