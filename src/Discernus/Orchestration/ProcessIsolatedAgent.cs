using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Models;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// Runs each task of an agent in a child process (<c>discernus agent &lt;task_type&gt; &lt;task_id&gt;</c>), so that an agent
/// that crashes its process (an unhandled exception, a native crash, the out-of-memory killer, a stack overflow,
/// <c>Environment.FailFast</c>) ends only that child. The worker keeps the claim, the heartbeat and the settle; the child
/// gets the task on standard input, its secrets through its environment, and answers with JSON lines on standard output:
/// log events, run-log lines and model-call records (which this process writes, so one process owns every log file),
/// then the outcome. Exit code 0 with an outcome is the agent's answer; anything else is a crash, thrown as an
/// <see cref="AgentProcessException"/> naming the exit code or signal and the first and last lines of the child's error
/// output, so the Router's attempt limit and dead list apply. A child running past
/// <see cref="AgentIsolationOptions.Timeout"/> is killed with what it started and counts as a crash. The model's
/// fail-fast breaker lives here, in the worker: each child's endpoint failures and successes are counted in it.
/// </summary>
internal sealed partial class ProcessIsolatedAgent(
    IAgent agent,
    AgentProcessRequest.Place place,
    AgentIsolationOptions options,
    IReadOnlyDictionary<string, string?> childEnvironment,
    RunRegistry runs,
    TimeProvider timeProvider,
    ILogger logger) : IAgent
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(10);

    public string TaskType => agent.TaskType;

    public string Name => agent.Name;

    public async Task<AgentOutcome> HandleAsync(string contractJson, CancellationToken cancellationToken)
    {
        var command = options.Command ?? throw new InvalidOperationException("process isolation is on but no agent command is configured");

        // Fail fast across children: this process's breaker for the task's model counts what each child's calls ended
        // with, and once it is open no child is started, exactly as an agent in this process would stop at once.
        var (model, breaker) = BreakerOf(contractJson);
        if (breaker?.Refusal is { } refused)
        {
            return AgentOutcome.StopRun(refused.Message);
        }

        var taskId = ContractProperty(contractJson, "task_id") ?? "unknown";
        var runId = TaskIds.TryParse(taskId, out var parts) ? parts.RunId : null;
        var request = new AgentProcessRequest
        {
            TaskType = TaskType,
            TaskId = taskId,
            Contract = contractJson,
            ArtifactStore = place.ArtifactStore,
            ArtifactsDirectory = place.ArtifactsDirectory,
            Worker = place.Worker,
            RunFolder = runId is null ? null : runs.LogFor(runId)?.Folder.Path,
            Traceparent = Telemetry.DiscernusActivities.Traceparent(System.Diagnostics.Activity.Current),
        };

        var started = timeProvider.GetTimestamp();
        using var process = Start(command, taskId);
        var child = new AgentChildReport(process.Id);
        var stdout = PumpAsync(process.StandardOutput, line => OnMessageAsync(line, child, taskId, runId));
        var stderr = PumpAsync(process.StandardError, line => { child.AddErrorLine(line); return ValueTask.CompletedTask; });
        try
        {
            // Standard input stays open while the child runs: its end tells the child that this worker is gone.
            await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(request, AgentProcessJsonContext.Default.AgentProcessRequest).AsMemory(), cancellationToken).ConfigureAwait(false);
            await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // The child is already gone (it failed at start): its exit code and error output say why.
            logger.LogDebug("Could not hand task {TaskId} to agent process {AgentProcessId}: {Message}", taskId, process.Id, ex.Message);
        }

        var timedOut = await WaitForExitAsync(process, taskId, stdout, stderr, cancellationToken).ConfigureAwait(false);
        logger.LogDebug("Task {TaskId} of run {RunId} ran in agent process {AgentProcessId}: exit code {ExitCode} after {Milliseconds} ms",
            taskId, runId, process.Id, process.ExitCode, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return await ConcludeAsync(process.ExitCode, child, taskId, timedOut, model, breaker).ConfigureAwait(false);
    }

    /// <summary>Waits for the child within the task's time limit, killing it at the limit or on cancellation, then drains its output.</summary>
    /// <returns>True when the child was killed at the time limit.</returns>
    private async Task<bool> WaitForExitAsync(Process process, string taskId, Task stdout, Task stderr, CancellationToken cancellationToken)
    {
        var timedOut = false;
        using (var limit = new CancellationTokenSource(options.Timeout, timeProvider))
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken))
        {
            try
            {
                await process.WaitForExitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
            }
        }

        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(DrainLimit, timeProvider, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Something the child started still holds its output open; what arrived so far is all we use.
            logger.LogDebug("The output of agent process {AgentProcessId} (task {TaskId}) was still open {Seconds} s after it exited", process.Id, taskId, DrainLimit.TotalSeconds);
        }

        return timedOut;
    }

    private async Task<AgentOutcome> ConcludeAsync(int exitCode, AgentChildReport child, string taskId, bool timedOut, string? model, ModelCircuitBreaker? breaker)
    {
        var who = $"the {Name} process (pid {child.ProcessId}) for task {taskId}";
        if (timedOut)
        {
            throw new AgentProcessException(
                $"{who} did not finish within {Seconds(options.Timeout)} s ({AgentIsolationOptions.TimeoutVariable}) and was killed{child.Tail()}");
        }

        if (exitCode == 0 && child.Outcome is { } outcome)
        {
            if (outcome.Succeeded && string.IsNullOrEmpty(outcome.ResultHash))
            {
                throw new AgentProcessException($"{who} reported success without a result hash");
            }

            if (breaker is not null && outcome.Succeeded)
            {
                // The model answered (or the answer came from the cache): the endpoint works.
                await breaker.RecordAsync(null).ConfigureAwait(false);
            }

            return new AgentOutcome(outcome.Succeeded, outcome.ResultHash, outcome.Error);
        }

        if (child.Failure is { } failure)
        {
            if (breaker is not null && Enum.TryParse<EndpointFailureKind>(failure.EndpointFailure, out var kind))
            {
                await breaker.RecordAsync(new ModelCallException(model!, 1, null, false, failure.Message, null, kind)).ConfigureAwait(false);
                if (breaker.Refusal is { } unusable)
                {
                    return AgentOutcome.StopRun(unusable.Message);
                }
            }

            // The agent threw, as it would in this process: its own message, not a crash report.
            throw new AgentProcessException($"{failure.Type}: {failure.Message}");
        }

        throw new AgentProcessException(exitCode == 0
            ? $"{who} exited without reporting an outcome{child.Tail()}"
            : $"{who} crashed: {DescribeExit(exitCode)}{child.Tail()}");
    }

    /// <summary>An exit code in words; .NET reports a child ended by signal N as 128 + N.</summary>
    internal static string DescribeExit(int exitCode)
    {
        var signal = exitCode - 128;
        var meaning = signal switch
        {
            4 => "SIGILL, an illegal instruction in native code",
            6 => "SIGABRT, an abort: a stack overflow, Environment.FailFast or a fatal runtime error",
            7 => "SIGBUS, a native memory fault",
            8 => "SIGFPE, a native arithmetic fault",
            9 => "SIGKILL, killed: by the out-of-memory killer or by an operator",
            11 => "SIGSEGV, a native crash (segmentation fault)",
            15 => "SIGTERM, terminated from outside",
            _ => null,
        };
        return meaning is null
            ? string.Create(CultureInfo.InvariantCulture, $"exit code {exitCode}")
            : string.Create(CultureInfo.InvariantCulture, $"exit code {exitCode} (signal {signal}: {meaning})");
    }

    private Process Start(AgentProcessCommand command, string taskId)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add("agent");
        info.ArgumentList.Add(TaskType);
        info.ArgumentList.Add(taskId);

        // Secrets travel here, never on the command line, which any user of the machine can read.
        foreach (var (key, value) in childEnvironment)
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

        try
        {
            return Process.Start(info) ?? throw new AgentProcessException($"could not start an agent process with {command}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new AgentProcessException($"could not start an agent process with {command}: {ex.Message}");
        }
    }

    private async ValueTask OnMessageAsync(string line, AgentChildReport child, string taskId, string? runId)
    {
        AgentProcessMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(line, AgentProcessJsonContext.Default.AgentProcessMessage);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            logger.LogDebug("Agent process {AgentProcessId} (task {TaskId}) wrote a line that is not a message: {Line}", child.ProcessId, taskId, AgentChildReport.Clip(line));
            return;
        }

        if (message.Log is { } log)
        {
            logger.Log(ParseLevel(log.Level), "{Agent} process {AgentProcessId} on task {TaskId} of run {RunId}: {Message}", Name, child.ProcessId, taskId, runId, log.Message);
        }

        if (message.RunLog is { } runLog && runId is not null && runs.LogFor(runId) is { } target)
        {
            if (IsLogFileName(runLog.File) && IsJsonObjectLine(runLog.Line))
            {
                target.AppendJson(runLog.File, runLog.Line);
            }
            else
            {
                logger.LogWarning("Agent process {AgentProcessId} sent an unusable line for the log '{File}' of run {RunId}; it was not written", child.ProcessId, AgentChildReport.Clip(runLog.File), runId);
            }
        }

        if (message.LlmInteraction is { } interaction && runId is not null)
        {
            await runs.RecordChildCallAsync(runId, interaction).ConfigureAwait(false);
        }

        if (message.Outcome is { } outcome)
        {
            child.Outcome = outcome;
        }

        if (message.Failure is { } failure)
        {
            child.Failure = failure;
        }
    }

    private async Task PumpAsync(StreamReader reader, Func<string, ValueTask> onLine)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                await onLine(line).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe closed under us (the child was killed): the exit code tells the rest.
            logger.LogDebug("Reading an agent process's output stopped: {Message}", ex.Message);
        }
    }

    private void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own between the time-out and the kill.
            logger.LogDebug("Agent process {AgentProcessId} had already exited when it was to be killed", process.Id);
        }
    }

    private (string? Model, ModelCircuitBreaker? Breaker) BreakerOf(string contractJson)
    {
        var model = ContractProperty(contractJson, "model");
        return ModelName.TryParse(model, out var name, out _) && runs.Gateway.BreakerFor(name) is { } breaker ? (model, breaker) : (null, null);
    }

    private static string? ContractProperty(string contractJson, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(contractJson);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            // The child validates the contract and reports what is wrong with it.
            return null;
        }
    }

    private static bool IsLogFileName(string file) => LogFileName().IsMatch(file);

    private static bool IsJsonObjectLine(string line)
    {
        if (line.Contains('\n') || line.Contains('\r'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static LogLevel ParseLevel(string level) => Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) ? parsed : LogLevel.Information;

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex LogFileName();
}
