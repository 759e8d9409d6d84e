using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Discernus.Coordination;

namespace Discernus.Tests.Infrastructure;

/// <summary>
/// A real redis-server process on a free loopback port, without persistence. A missing binary fails the tests
/// that use it (never skips them): the coordination code must be proven against real Redis as well as Garnet.
/// </summary>
public sealed class RedisServerFixture : IRedisTestServer, IAsyncLifetime
{
    public const string DefaultBinary = "/usr/bin/redis-server";
    public const string BinaryEnvironmentVariable = "DISCERNUS_TEST_REDIS_SERVER";

    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(20);

    private Process? _process;
    private RedisConnections? _connections;
    private string? _directory;

    public string Name => "redis-server";

    public int Port { get; private set; }

    RedisConnectionFactory IRedisTestServer.ConnectionFactory => ConnectionFactory;

    RedisConnections IRedisTestServer.Connections => Connections;

    internal RedisConnectionFactory ConnectionFactory =>
        RedisConnectionFactory.ForEndPoint(new IPEndPoint(IPAddress.Loopback, Port));

    internal RedisConnections Connections => _connections ?? throw new InvalidOperationException("The redis-server fixture is not initialized.");

    public async Task InitializeAsync()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryEnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"redis-server is required by the coordination tests but was not found at '{binary}'. "
                + $"Install it (apt-get install -y redis-server) or set {BinaryEnvironmentVariable} to its path.");
        }

        _directory = Directory.CreateTempSubdirectory("discernus-redis-").FullName;
        var failures = new StringBuilder();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreeLoopbackPort();
            var (process, output) = await StartAsync(binary, Port, _directory);
            if (process is not null)
            {
                _process = process;
                _connections = await RedisConnections.ConnectAsync(ConnectionFactory);
                return;
            }

            failures.AppendLine(CultureInfo.InvariantCulture, $"port {Port}: {output}");
        }

        throw new InvalidOperationException($"redis-server at '{binary}' did not start:{Environment.NewLine}{failures}");
    }

    public async Task DisposeAsync()
    {
        if (_connections is not null)
        {
            await _connections.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<(Process? Process, string Output)> StartAsync(string binary, int port, string directory)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--daemonize", "no", "--dir", directory, "--loglevel", "notice",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(StartupLimit);
            return (process, "");
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            lock (output)
            {
                return (null, $"{ex.Message}; output:{Environment.NewLine}{output}");
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
