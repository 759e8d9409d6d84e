using Discernus.Web.Endpoints;
using Discernus.Application;
using Microsoft.AspNetCore.Http;

namespace Discernus.Web.Runs;

/// <summary>
/// Live progress of a run as server-sent events (<c>event: progress</c>, JSON data), from <see cref="RunService.WatchAsync"/>:
/// one event per change, checked every second; the stream ends after the event that reports a final status.
/// </summary>
internal static class RunEvents
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static IResult Stream(string experiment, string run, ProjectPaths paths, RunService launcher, CancellationToken cancellationToken)
    {
        if (paths.Experiment(experiment) is not { } folder || paths.Run(folder, run) is not { } runFolder)
        {
            return PageResults.NotFound($"Experiment '{experiment}' has no run '{run}'.");
        }

        return TypedResults.ServerSentEvents(launcher.WatchAsync(runFolder, run, Poll, cancellationToken).Select(progress => progress.ToJson()), "progress");
    }
}
