using System.Text.Json;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>What `verify` found: the files re-hashed, the problems, and whether the run is finished, still going or interrupted.</summary>
public sealed record RunVerification(
    string RunFolder, bool Verified, int FilesChecked, string? RunStatus, bool RunFinished, bool Interrupted, string? Liveness, int UnlistedResults, IReadOnlyList<string> Problems);

/// <summary>The live counts of a run from Redis, while it runs.</summary>
public sealed record LiveCounts(string? Stage, int Completed, int Total, int Failed);

/// <summary>
/// A run as `status` shows it: its head, liveness and stage rows, the live counts, the provider's word on each batch
/// (<see cref="BatchLines"/>), and <see cref="Json"/>, the same in the `--format json` document.
/// </summary>
public sealed record RunStatusView(
    string RunId, string Experiment, string Liveness, string CreatedAt, string? FinishedAt, IReadOnlyList<StageRow> Stages, LiveCounts? Live,
    IReadOnlyList<string> BatchLines, string? Error, string? Report, string Json);

/// <summary>The questions asked of a run folder after the fact or from outside the run: `status` and `verify`.</summary>
public static class RunQueries
{
    /// <summary>The run's status, or why its manifest cannot be read; live state is read from DISCERNUS_REDIS_URL while it runs.</summary>
    public static async Task<(RunStatusView? View, string? Problem)> StatusAsync(
        string runFolder, WorkspaceOptions options, Action<string> warn, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        RunManifest manifest;
        var documents = 0;
        try
        {
            // The head and a streamed count: the whole manifest of a large run is hundreds of MB once parsed.
            manifest = RunFolder.ReadManifestHead(manifestPath);
            new RunFolder(runFolder, manifest.RunId).ReadDocuments(_ => documents++);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException)
        {
            return (null, $"{manifestPath} cannot be read: {ex.Message}");
        }

        var live = RunStatus.IsFinal(manifest.Status) ? null : await RunRules.ReadLiveStateAsync(options, manifest.RunId, warn, cancellationToken);
        var json = JsonSerializer.Serialize(new
        {
            manifest.RunId,
            manifest.Status,
            Experiment = manifest.Experiment.Name,
            manifest.CreatedAt,
            manifest.FinishedAt,
            manifest.Stages,
            Documents = documents,
            manifest.Failures,
            manifest.Cost,
            manifest.Outputs,
            manifest.Error,
            manifest.Batches,
            manifest.BatchRetries,
            Live = live?.Fields,
        }, DiscernusJson.Indented);
        var retried = manifest.BatchRetries;
        string[] batches =
        [
            .. manifest.Batches.Select(b => $"batch {b.BatchId ?? "(not submitted yet)"} ({b.File}, {b.Requests} requests): {b.Status}, {b.Completed} completed, {b.Failed} failed"),
            .. retried.Count > 0
                ? [$"{retried.Count} analyses asked interactively after their batch line failed: {string.Join(", ", retried.Take(5).Select(r => r.DocumentName ?? r.TaskId))}{(retried.Count > 5 ? ", ..." : "")}"]
                : Array.Empty<string>(),
        ];
        return (new RunStatusView(
            manifest.RunId, manifest.Experiment.Name, RunLiveness.Describe(manifestPath, manifest, options.TimeProvider), manifest.CreatedAt, manifest.FinishedAt, RunRules.StageRows(manifest),
            live is null ? null : new LiveCounts(live.Stage, live.Completed ?? 0, live.Total ?? 0, live.Failed ?? 0),
            batches, manifest.Error, manifest.Outputs.ReportMarkdown is { } report ? Path.Combine(runFolder, report) : null, json), null);
    }

    /// <summary>`verify`: every file the manifest lists re-hashed (<see cref="RunVerifier"/>), and the run's liveness.</summary>
    public static async Task<RunVerification> VerifyAsync(string runFolder, TimeProvider time, CancellationToken cancellationToken)
    {
        var result = await RunVerifier.VerifyAsync(runFolder, cancellationToken);
        var liveness = result.Manifest is { } manifest ? RunLiveness.Inspect(Path.Combine(result.RunFolder, RunFolder.ManifestFileName), manifest, time) : null;
        return new RunVerification(result.RunFolder, result.Succeeded, result.FilesChecked, result.Status, result.Status is { } status && RunStatus.IsFinal(status),
            liveness?.Interrupted ?? false, liveness?.Description, result.UnlistedResults, result.Problems);
    }
}
