using System.Globalization;
using Discernus.Coordination;
using Discernus.Models;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// A model endpoint that went away while a stage runs, as the Orchestrator sees it: announced once to the run's
/// watchers, the stall timeout paused, the outage limit kept.
/// </summary>
internal sealed class ModelOutageWatch(RunStateStore states, CoordinationResilience resilience, RunStateWriter state, OrchestratorOptions options, TimeProvider time, ILogger logger)
{
    private const string Agent = nameof(Orchestrator);

    // Workers give up on an endpoint at the outage limit (their next probe after it); the Orchestrator only steps in
    // when none does, e.g. no worker holds a task of the run any more.
    private static readonly TimeSpan OutageLimitGrace = TimeSpan.FromSeconds(60);

    /// <summary>Announces an outage a worker recorded on the run, once; fails the run when it outlasts the limit.</summary>
    public async Task WatchAsync(RunContext run, string stage, ModelOutage? recorded)
    {
        var now = time.GetUtcNow();
        if (recorded is not null && run.AnnouncedOutage is null && recorded.Since > run.LastRecoveryAt)
        {
            run.AnnouncedOutage = recorded;
            var message = $"Model endpoint unreachable, waiting: {recorded.Endpoint} ({recorded.Model}): {recorded.Cause}. " +
                $"Every task for it pauses, spending no attempt, while one request probes it at a growing interval; the run fails only if it stays away longer than " +
                $"{options.ModelOutageLimit.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s ({ModelSettings.OutageLimitVariable}).";
            run.Log.Warning(stage, Agent, message, new Dictionary<string, object?> { ["endpoint"] = recorded.Endpoint, ["since"] = IsoTime.Format(recorded.Since) });
            // The watchers get the notice; the process log gets the line, but not as a warning the console would repeat.
            logger.LogInformation("Run {RunId}: {Message}", run.Folder.RunId, message);
            await state.NoticeAsync(run.Folder.RunId, message).ConfigureAwait(false);
        }

        if (run.AnnouncedOutage is { } announced && now - announced.Since > options.ModelOutageLimit + OutageLimitGrace)
        {
            throw new RunFailedException(
                $"Model endpoint {announced.Endpoint} ({announced.Model}) unreachable for {(now - announced.Since).TotalSeconds:F0} s, longer than {ModelSettings.OutageLimitVariable} " +
                $"({options.ModelOutageLimit.TotalSeconds:F0} s) allows: {announced.Cause}. The run stops here; its documents without a result keep none. " +
                "Once the endpoint answers again, continue with `discernus run --resume <run folder>`: only the documents without a result are asked.");
        }
    }

    /// <summary>The first success after an announced outage: the endpoint answers again.</summary>
    public async Task EndAsync(RunContext run, string stage)
    {
        if (run.AnnouncedOutage is not { } outage)
        {
            return;
        }

        var now = time.GetUtcNow();
        run.AnnouncedOutage = null;
        run.LastRecoveryAt = now;
        var message = $"Model endpoint {outage.Endpoint} answers again after {(now - outage.Since).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s; the paused tasks go on.";
        run.Log.Info(stage, Agent, message);
        logger.LogInformation("Run {RunId}: {Message}", run.Folder.RunId, message);
        try
        {
            await resilience.ExecuteAsync(ct => states.ClearOutageAsync(run.Folder.RunId, ct), $"recording the state of run {run.Folder.RunId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("The end of the outage could not be recorded on run {RunId}: {Message}", run.Folder.RunId, ex.Message);
        }

        await state.NoticeAsync(run.Folder.RunId, message).ConfigureAwait(false);
    }
}
