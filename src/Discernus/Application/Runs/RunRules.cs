using System.Globalization;
using Discernus.Configuration;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>Why a run folder cannot be resumed; <see cref="None"/> when it can.</summary>
public enum ResumeRefusal
{
    None,
    NotARunFolder,
    NothingToResume,
    StillRunning,
}

/// <summary>What checking a run folder for `run --resume` found: the folder, its manifest head and, if any, why not.</summary>
public sealed record ResumeCheck(string RunFolder, ResumeRefusal Refusal, string? Problem, RunManifest? Manifest, string Liveness);

/// <summary>One row of a run's stage table, as the CLI and the run page both show it.</summary>
public sealed record StageRow(string Title, string Status, string Tasks, string TasksWithFailures, string Failed, string Seconds);

/// <summary>
/// The rules of starting, resuming and watching a run, held once for the CLI and `discernus serve`: the ranges of
/// --runs and --concurrency, when a silent run counts as gone, when a run folder may be resumed, which earlier run
/// `--from` reuses, where live state is read, and how a stage is shown.
/// </summary>
public static class RunRules
{
    public const int MaxRuns = 100;
    public const int MaxConcurrency = 256;

    /// <summary>The Orchestrator fails a stalled stage itself after its stall timeout; silence a minute beyond that means it is gone.</summary>
    public static readonly TimeSpan SilenceMargin = TimeSpan.FromSeconds(60);

    public static string? RunsProblem(int? runs, string name) =>
        runs is { } n && (n < 1 || n > MaxRuns) ? $"{name} must be a whole number from 1 to {MaxRuns}, not {n}." : null;

    public static bool ConcurrencyInRange(int concurrency) => concurrency is >= 1 and <= MaxConcurrency;

    public static string? ConcurrencyProblem(int? concurrency, string name) =>
        concurrency is { } n && !ConcurrencyInRange(n) ? $"{name} must be a whole number from 1 to {MaxConcurrency}, not {n}." : null;

    /// <summary>True when a running run's state has not been updated for longer than the stall timeout and its margin.</summary>
    internal static bool HasGoneSilent(RunState state, TimeSpan stallTimeout, DateTimeOffset now) =>
        state.Status == RunStatus.Running && state.UpdatedAt is { } updated
        && DateTimeOffset.TryParse(updated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        && now - at > stallTimeout + SilenceMargin;

    /// <summary>
    /// A run folder may be resumed unless it is not one, is a dry run, has nothing left to do, or is still being
    /// executed on this machine.
    /// </summary>
    public static ResumeCheck CheckResume(string runFolderArgument, TimeProvider time)
    {
        var runFolder = Path.GetFullPath(runFolderArgument.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return new ResumeCheck(runFolder, ResumeRefusal.NotARunFolder,
                $"{runFolder} is not a run folder (no {RunFolder.ManifestFileName}); pass projects/<experiment>/runs/<run_id> to --resume.", null, "");
        }

        var manifest = RunFolder.ReadManifestHead(manifestPath);
        if (manifest.Status is RunStatus.Completed or RunStatus.SetUp || (manifest.Status == RunStatus.CompletedWithFailures && manifest.Failures.Count == 0))
        {
            return new ResumeCheck(runFolder, ResumeRefusal.NothingToResume, manifest.Status == RunStatus.SetUp
                ? $"run {manifest.RunId} is a dry run (set up only); start a real run with `discernus run {manifest.Experiment.Path}`."
                : $"run {manifest.RunId} has already {manifest.Status.Replace('_', ' ')}; nothing to resume. A new run reuses every valid cached answer: `discernus run {manifest.Experiment.Path}`.", manifest, "");
        }

        var liveness = RunLiveness.Inspect(manifestPath, manifest, time);
        if (!RunStatus.IsFinal(manifest.Status) && !liveness.Interrupted && manifest.Executions.LastOrDefault()?.Host == Environment.MachineName)
        {
            return new ResumeCheck(runFolder, ResumeRefusal.StillRunning,
                $"run {manifest.RunId} is still being executed ({liveness.Description}); watch it with `discernus status {runFolder}`.", manifest, liveness.Description);
        }

        return new ResumeCheck(runFolder, ResumeRefusal.None, null, manifest, liveness.Description);
    }

    /// <summary>The request that continues a resumable run in place.</summary>
    internal static RunRequest ResumeRequest(ResumeCheck check, TimeProvider time) => new()
    {
        RunId = check.Manifest!.RunId,
        ExperimentPath = check.Manifest.Experiment.Path,
        RunFolder = check.RunFolder,
        ArtifactStore = check.Manifest.ArtifactStore,
        Options = new Dictionary<string, string> { ["resume"] = "true" },
        RequestedAt = IsoTime.Format(time.GetUtcNow()),
    };

    /// <summary>The latest run of the experiment whose <paramref name="stage"/> finished, or null: what `run --from` reuses when no source is named.</summary>
    public static string? LatestFinishedRun(string experimentDirectory, string stage)
    {
        var runs = Path.Combine(experimentDirectory, "runs");
        if (!Directory.Exists(runs))
        {
            return null;
        }

        // Run ids start with their UTC start time, so name order is time order.
        foreach (var folder in Directory.EnumerateDirectories(runs).OrderDescending(StringComparer.Ordinal))
        {
            var manifestPath = Path.Combine(folder, RunFolder.ManifestFileName);
            if (!File.Exists(manifestPath))
            {
                continue;
            }

            try
            {
                var manifest = RunFolder.ReadManifestHead(manifestPath);
                if (manifest.Stages.FirstOrDefault(s => s.Name == stage)?.Status is RunStatus.Completed or RunStatus.CompletedWithFailures)
                {
                    return folder;
                }
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                // An unreadable run is not a candidate; the next older one may be.
                continue;
            }
        }

        return null;
    }

    /// <summary>
    /// A run folder however it was typed (trailing slash, <c>./</c>, a symbolic link among its parents): the real,
    /// absolute path, or an error naming what is missing. Every command that takes a run folder uses this, so the same
    /// mistake always gives the same message and exit code (3).
    /// </summary>
    public static string? ResolveRunFolder(string path, out string? error)
    {
        var full = Experiments.SafePaths.RealPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        if (!Directory.Exists(full))
        {
            error = $"run folder {full} does not exist; pass a run folder, e.g. projects/nano/runs/<run_id>.";
            return null;
        }

        if (!File.Exists(Path.Combine(full, RunFolder.ManifestFileName)))
        {
            error = $"{full} is not a run folder: it has no {RunFolder.ManifestFileName}. Pass a folder under projects/<experiment>/runs/.";
            return null;
        }

        error = null;
        return full;
    }

    /// <summary>The Redis keys of the configured prefix (DISCERNUS_REDIS_PREFIX, default "discernus:").</summary>
    internal static RedisKeys KeysFor(WorkspaceOptions options) =>
        new(options.Settings.Redis.Prefix);

    /// <summary>
    /// Live state from DISCERNUS_REDIS_URL; null without one (an embedded server lives and dies with its run) or when
    /// it cannot be read, which <paramref name="warn"/> is told.
    /// </summary>
    internal static async Task<RunState?> ReadLiveStateAsync(WorkspaceOptions options, string runId, Action<string> warn, CancellationToken cancellationToken)
    {
        if (options.Settings.Redis.Url is not { } url)
        {
            return null;
        }

        try
        {
            await using var connections = await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(url), cancellationToken);
            return await new RunStateStore(connections, KeysFor(options)).GetAsync(runId, cancellationToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or CoordinationFaultException or TimeoutException)
        {
            warn(ex.Message);
            return null;
        }
    }

    /// <summary>A manifest's stages as table rows: tasks as succeeded/total, seconds with one decimal.</summary>
    public static IReadOnlyList<StageRow> StageRows(RunManifest manifest) => [.. manifest.Stages.Select(stage =>
    {
        var tasks = stage.TasksTotal is { } total ? $"{stage.TasksSucceeded ?? 0}/{total}" : "";
        return new StageRow(StageNames.Title(stage.Name), stage.Status, tasks,
            tasks.Length > 0 && stage.TasksFailed is > 0 ? $"{tasks} ({stage.TasksFailed} failed)" : tasks,
            stage.TasksFailed?.ToString(CultureInfo.InvariantCulture) ?? "",
            stage.DurationMs is { } ms ? (ms / 1000.0).ToString("F1", CultureInfo.InvariantCulture) : "");
    })];
}
