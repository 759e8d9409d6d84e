using System.Runtime.CompilerServices;
using System.Text.Json;
using Discernus.Provenance;
using Discernus.Web.Endpoints;
using Discernus.Application;
using Microsoft.AspNetCore.Http;

namespace Discernus.Web.Runs;

/// <summary>
/// Live progress of a run as server-sent events (<c>event: progress</c>, JSON data), read from the run's state: the
/// manifest, whose stage counts the Orchestrator rewrites every 2 s, and run:{id}:state in Redis where this process can
/// see it (its own runs, or DISCERNUS_REDIS_URL). One event per change, checked every second; the stream ends after the
/// event that reports a final status.
/// </summary>
internal static class RunEvents
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static IResult Stream(string experiment, string run, ProjectPaths paths, ServeOptions options, RunService launcher, CancellationToken cancellationToken)
    {
        if (paths.Experiment(experiment) is not { } folder || paths.Run(folder, run) is not { } runFolder)
        {
            return PageResults.NotFound($"Experiment '{experiment}' has no run '{run}'.");
        }

        return TypedResults.ServerSentEvents(EventsAsync(runFolder, run, options.TimeProvider, launcher, cancellationToken), "progress");
    }

    private static async IAsyncEnumerable<string> EventsAsync(string runFolder, string runId, TimeProvider time, RunService launcher, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var progress = await ReadAsync(runFolder, runId, time, launcher, cancellationToken);
            var json = JsonSerializer.Serialize(progress, DiscernusJson.Compact);
            if (json != last)
            {
                last = json;
                yield return json;
            }

            if (progress.Final)
            {
                yield break;
            }

            try
            {
                await Task.Delay(Poll, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>The progress a page shows; the Redis state wins over the manifest while both are live.</summary>
    internal static async Task<RunProgress> ReadAsync(string runFolder, string runId, TimeProvider time, RunService launcher, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        RunManifest manifest;
        try
        {
            manifest = RunFolder.ReadManifest(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
        {
            // The manifest is replaced by rename; a reader that lost the race reads it again on the next poll.
            return new RunProgress("unknown", null, 0, 0, 0, "reading the manifest…", false);
        }

        var stage = manifest.Stages.LastOrDefault(s => s.Status == RunStatus.Running) ?? manifest.Stages.LastOrDefault();
        var (total, done, failed) = (stage?.TasksTotal ?? 0, (stage?.TasksSucceeded ?? 0) + (stage?.TasksFailed ?? 0), stage?.TasksFailed ?? 0);
        var state = RunStatus.IsFinal(manifest.Status) ? null : await launcher.StateAsync(runId, cancellationToken);
        if (state is { Total: { } t })
        {
            (total, done, failed) = (t, state.Completed ?? done, state.Failed ?? failed);
        }

        var final = RunStatus.IsFinal(manifest.Status);
        var status = final ? manifest.Status : state?.Status ?? manifest.Status;
        var stageName = state?.Stage ?? stage?.Name;
        var liveness = RunLiveness.Describe(manifestPath, manifest, time);
        var text = final
            ? $"{manifest.Status.Replace('_', ' ')}"
            : $"{liveness}: {(stageName is null ? "starting" : StageNames.Title(stageName))}{(total > 0 ? $" {done}/{total} done{(failed > 0 ? $", {failed} failed" : "")}" : "")}";
        return new RunProgress(status, stageName, done, total, failed, text, final);
    }
}

/// <summary>One progress event.</summary>
internal sealed record RunProgress(string Status, string? Stage, int Done, int Total, int Failed, string Text, bool Final);
