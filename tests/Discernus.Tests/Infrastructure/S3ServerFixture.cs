using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Discernus.Artifacts;

namespace Discernus.Tests.Infrastructure;

/// <summary>
/// A real S3-protocol server (s3rver from npm, installed into .tools/s3rver by scripts/install-test-deps.sh) on a
/// free loopback port with its own data folder. A missing s3rver or node fails the tests that use it, never skips
/// them. <see cref="StopAsync"/> and <see cref="StartAsync"/> take it down and bring it back on the same port and
/// data folder, for outage tests.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public const string ScriptEnvironmentVariable = "DISCERNUS_TEST_S3RVER";

    /// <summary>s3rver's built-in account; it checks the access key id but not v4 signatures, so any secret passes.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>Distinctive, so a test can prove it never appears in a message.</summary>
    public const string SecretKey = "discernus-test-secret-7Qv2Lz9xR4";

    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private string? _script;
    private string? _node;
    private string? _directory;

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string DataDirectory => _directory ?? throw new InvalidOperationException("The s3rver fixture is not initialized.");

    /// <summary>A bucket name no other test in this process uses.</summary>
    public static string NewBucketName(string purpose) => $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 17)];

    internal S3ArtifactStoreOptions Options(string bucket, TimeSpan? timeout = null) => new()
    {
        Endpoint = Endpoint,
        Bucket = bucket,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Timeout = timeout ?? S3ArtifactStoreOptions.DefaultTimeout,
    };

    /// <summary>
    /// An SDK client for arranging a test's bucket directly. <paramref name="sdkDefaults"/> keeps the SDK's own
    /// upload settings (aws-chunked bodies with checksum trailers), which s3rver stores verbatim.
    /// </summary>
    public AmazonS3Client CreateClient(bool sdkDefaults = false)
    {
        var config = new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
        if (!sdkDefaults)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config);
    }

    public async Task InitializeAsync()
    {
        _script = FindScript();
        _node = FindOnPath("node") ?? throw new InvalidOperationException(
            "node is required to run s3rver for the S3 artifact store tests but is not on PATH. Run scripts/install-test-deps.sh (it installs nodejs and s3rver).");
        _directory = Directory.CreateTempSubdirectory("discernus-s3rver-").FullName;
        var failures = new StringBuilder();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreeLoopbackPort();
            var output = await TryStartAsync();
            if (output is null)
            {
                return;
            }

            failures.AppendLine(CultureInfo.InvariantCulture, $"port {Port}: {output}");
        }

        throw new InvalidOperationException($"s3rver at '{_script}' did not start:{Environment.NewLine}{failures}");
    }

    /// <summary>Kills the server (as a crash would) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process?.Dispose();
            _process = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the server again on the same port and data folder.</summary>
    public async Task StartAsync()
    {
        // The old socket may linger for a moment after a kill; a few tries, each waiting for readiness, not a sleep.
        string? output = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            output = await TryStartAsync();
            if (output is null)
            {
                return;
            }
        }

        throw new InvalidOperationException($"s3rver did not restart on port {Port}: {output}");
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        _gate.Dispose();
    }

    /// <summary>Null when the server is up; otherwise why not.</summary>
    private async Task<string?> TryStartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var info = new ProcessStartInfo(_node!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { _script!, "--directory", _directory!, "--address", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--no-vhost-buckets", "--silent" })
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

                if (e.Data.Contains("S3rver listening on", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            };
            process.OutputDataReceived += collect;
            process.ErrorDataReceived += collect;
            process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("s3rver exited"));
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
        finally
        {
            _gate.Release();
        }
    }

    private static string FindScript()
    {
        if (Environment.GetEnvironmentVariable(ScriptEnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{ScriptEnvironmentVariable}='{configured}' does not exist: point it at s3rver's bin/s3rver.js or unset it.");
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Discernus.sln")))
            {
                var script = Path.Combine(folder.FullName, ".tools", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
                return File.Exists(script)
                    ? script
                    : throw new InvalidOperationException(
                        $"s3rver is required by the S3 artifact store tests but was not found at '{script}'. "
                        + $"Run scripts/install-test-deps.sh (it installs s3rver into .tools/s3rver), or set {ScriptEnvironmentVariable} to its bin/s3rver.js.");
            }
        }

        throw new InvalidOperationException($"the repository root (with Discernus.sln) was not found above {AppContext.BaseDirectory}; set {ScriptEnvironmentVariable} to s3rver's bin/s3rver.js.");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
