using System.Text.Json;
using Discernus.Orchestration;

namespace Discernus.Application;

/// <summary>The task a worker handed a child process on its standard input, or why there is none to run.</summary>
public sealed record ChildTask(string? Problem)
{
    internal AgentProcessRequest? Request { get; init; }
}

/// <summary>
/// One agent task in a child process of a worker started with `--isolation process`: the task arrives as one JSON
/// line, must be the one the command line names, and its answer leaves as JSON lines on <c>output</c>.
/// </summary>
public static class ChildAgent
{
    public static ChildTask Read(string? line, string taskType, string taskId)
    {
        AgentProcessRequest? request;
        try
        {
            request = line is null ? null : JsonSerializer.Deserialize(line, AgentProcessJsonContext.Default.AgentProcessRequest);
        }
        catch (JsonException ex)
        {
            return new ChildTask($"the task on standard input is not valid JSON ({ex.Message})");
        }

        return request is null || request.TaskType != taskType || request.TaskId != taskId
            ? new ChildTask("no matching task on standard input")
            : new ChildTask((string?)null) { Request = request };
    }

    /// <summary>Runs the task and returns the process's exit code.</summary>
    public static Task<int> RunAsync(ChildTask task, WorkspaceOptions options, TextWriter output) =>
        AgentProcessRunner.RunAsync(task.Request ?? throw new ArgumentException(task.Problem, nameof(task)), options.Settings, options.OfflineModels, new AgentProcessChannel(output), options.TimeProvider);
}
