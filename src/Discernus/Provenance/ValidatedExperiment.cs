using System.Text.Json;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Experiments;

namespace Discernus.Provenance;

/// <summary>
/// An experiment validated once, by whoever submits its run: the valid report is stored as one artifact whose hash the
/// run request carries, and the Orchestrator takes the experiment from it instead of reading and validating the files
/// again. What it still checks is that each specification file is byte for byte what was validated, so the run
/// analyses exactly what was validated and hashed, or refuses.
/// </summary>
internal static class ValidatedExperiment
{
    /// <summary>Stores a valid report (with its documents' findings) as one artifact; its hash is what a run request passes on.</summary>
    public static Task<string> SaveAsync(ValidationReport report, IArtifactStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(store);
        if (!report.IsValid)
        {
            throw new ArgumentException("only a valid experiment is passed on to its run", nameof(report));
        }

        // The framework is also in the experiment: stored once.
        return store.PutJsonAsync(report with { Framework = null }, DiscernusJson.Compact, cancellationToken);
    }

    /// <summary>The valid report stored under <paramref name="hash"/>, or null when it is missing, unreadable or not a valid report.</summary>
    public static async Task<ValidationReport?> LoadAsync(string hash, IArtifactStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!Hashing.IsSha256Hex(hash))
        {
            return null;
        }

        try
        {
            var report = await store.GetJsonAsync<ValidationReport>(hash, DiscernusJson.Compact, cancellationToken).ConfigureAwait(false);
            return report is { IsValid: true, SpecificationFiles.Count: > 0 } ? report with { Framework = report.Experiment!.Framework } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads each specification file of <paramref name="report"/> once and compares it with the hash validation
    /// recorded. Returns the report, with a blocking <see cref="FindingCodes.ChangedSinceValidation"/> finding per file
    /// that changed (and then no experiment), and the bytes read, which the run stores instead of reading them again.
    /// </summary>
    public static async Task<(ValidationReport Report, IReadOnlyDictionary<string, byte[]> Files)> RecheckAsync(ValidationReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var changes = new List<ValidationFinding>();
        foreach (var file in report.SpecificationFiles)
        {
            string? now;
            try
            {
                var bytes = await File.ReadAllBytesAsync(file.Path, cancellationToken).ConfigureAwait(false);
                now = Hashing.Sha256Hex(bytes);
                files[file.Path] = bytes;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                changes.Add(Changed(report, file, $"changed since validation: it cannot be read any more ({ex.Message})"));
                continue;
            }

            if (now != file.Sha256)
            {
                changes.Add(Changed(report, file, $"changed since validation (validated SHA-256 {file.Sha256[..12]}…, now {now[..12]}…): the run would not analyse what was validated"));
            }
        }

        return changes.Count == 0
            ? (report, files)
            : (report with { Findings = [.. report.Findings, .. changes], Experiment = null }, files);
    }

    private static ValidationFinding Changed(ValidationReport report, SpecificationFile file, string message) => new()
    {
        Severity = FindingSeverity.Blocking,
        Code = FindingCodes.ChangedSinceValidation,
        File = Path.GetRelativePath(report.ExperimentPath, file.Path).Replace('\\', '/'),
        Message = message,
        Fix = $"leave the experiment's files alone until its run has started, and start the run again (`discernus run {report.ExperimentPath}`): it is validated anew",
    };
}
