using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Discernus.Tests.Infrastructure;

/// <summary>
/// A real redis-server process on a loopback port, optionally with AOF persistence so that it can be stopped and
/// started again on the same port with its data (the fault tests' "Redis restart"). A missing binary fails the test
/// that needs it, never skips it.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    public const string DefaultBinary = "/usr/bin/redis-server";
    public const string BinaryEnvironmentVariable = "DISCERNUS_TEST_REDIS_SERVER";

    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(20);

    private readonly string _binary;
    private readonly bool _appendOnly;
    private Process? _process;
    private StringBuilder _output = new();

    private RedisServerProcess(string binary, string directory, bool appendOnly)
    {
        _binary = binary;
        Directory = directory;
        _appendOnly = appendOnly;
    }

    public int Port { get; private set; }

    public string Directory { get; }

    public string Url => string.Create(CultureInfo.InvariantCulture, $"redis://127.0.0.1:{Port}");

    public static async Task<RedisServerProcess> StartAsync(bool appendOnly = false)
    {
        var binary = Environment.GetEnvironmentVariable(BinaryEnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"redis-server is required by these tests but was not found at '{binary}'. "
                + $"Install it (./scripts/install-test-deps.sh) or set {BinaryEnvironmentVariable} to its path.");
        }

        var server = new RedisServerProcess(binary, System.IO.Directory.CreateTempSubdirectory("discernus-redis-").FullName, appendOnly);
        var failures = new StringBuilder();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            server.Port = FreeLoopbackPort();
            if (await server.TryStartAsync() is { } problem)
            {
                failures.AppendLine(CultureInfo.InvariantCulture, $"port {server.Port}: {problem}");
                continue;
            }

            return server;
        }

        throw new InvalidOperationException($"redis-server at '{binary}' did not start:{Environment.NewLine}{failures}");
    }

    /// <summary>Stops the server the way an operator would (SIGTERM: it saves the AOF and exits).</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(limit.Token);
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and folder (with its AOF, when persistence is on).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>Starts a server stopped with <see cref="StopAsync"/> again on the same port and folder.</summary>
    public async Task StartAgainAsync()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // The port can linger for a moment after the old process exits.
            if (await TryStartAsync() is null)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException($"redis-server did not start again on port {Port}: {_output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned by the OS.
            return;
        }
    }

    private async Task<string?> TryStartAsync()
    {
        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "always",
                     "--daemonize", "no", "--dir", Directory, "--loglevel", "notice",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        _output = output;
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
            _process = process;
            return null;
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
                return $"{ex.Message}; output:{Environment.NewLine}{output}";
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
