using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Discernus.Tests.Faults;

/// <summary>
/// A `discernus` command running as a real process (the CLI built beside the tests), so a test can kill it with
/// SIGKILL, pause it with SIGSTOP or stop it with SIGTERM, as an operator or a crash would.
/// </summary>
internal sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What else to print when the process exits with the wrong code (the other processes' logs of a cluster).</summary>
    public Func<string>? Diagnostics { get; set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static CliProcess Start(string name, IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] arguments) =>
        Start(name, "dotnet", [Path.Combine(AppContext.BaseDirectory, "discernus.dll"), .. arguments], environment, workingDirectory);

    /// <summary>The command through its app host (the `discernus` executable), as an installed .NET tool runs it.</summary>
    public static CliProcess StartAppHost(string name, IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] arguments) =>
        Start(name, Path.Combine(AppContext.BaseDirectory, "discernus"), arguments, environment, workingDirectory);

    private static CliProcess Start(string name, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Only what the test sets: nothing from the developer's own DISCERNUS_* settings leaks in.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("DISCERNUS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info };
        var cli = new CliProcess(name, process);
        process.OutputDataReceived += (_, e) => cli.Append(e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits for the exit code; a process still running after <paramref name="limit"/> fails the test with its output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{Name} did not exit within {limit}; its output:{Environment.NewLine}{Output}");
        }

        // WaitForExitAsync returns once the redirected output is drained too.
        return _process.ExitCode;
    }

    /// <summary>
    /// Waits for the exit and fails with the process's last output when the code differs, so a run that fails on a CI
    /// machine says why (the exit code alone does not, and its temporary folder is gone afterwards).
    /// </summary>
    public async Task AssertExitsWithAsync(int expected, TimeSpan limit)
    {
        var code = await WaitForExitAsync(limit);
        if (code != expected)
        {
            var tail = Output.Split('\n').TakeLast(60);
            var more = Diagnostics?.Invoke() is { Length: > 0 } extra ? $"{Environment.NewLine}{extra}" : string.Empty;
            throw new Xunit.Sdk.XunitException($"{Name} exited with {code}, expected {expected}; the end of its output:{Environment.NewLine}{string.Join('\n', tail)}{more}");
        }
    }

    public void Kill() => _process.Kill();

    public Task PauseAsync() => SignalAsync("STOP");

    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>SIGTERM: what Ctrl-C or a service manager sends; the CLI finishes the tasks in hand and exits.</summary>
    public Task TerminateAsync() => SignalAsync("TERM");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await ResumeAsync();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task SignalAsync(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
