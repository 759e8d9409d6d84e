using System.Runtime.CompilerServices;
using System.Text.Json;
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
            var progress = await launcher.ProgressAsync(runFolder, runId, time, cancellationToken);
            var json = progress.ToJson();
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
}
