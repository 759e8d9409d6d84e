using System.Security.Cryptography;

namespace Discernus.Provenance;

/// <summary>
/// Creates <c>runs/&lt;run_id&gt;/</c>. The id is the UTC timestamp plus a short random tag, so runs started in the
/// same second (even of different experiments sharing one Redis) never share an id; the folder is claimed by creating
/// its manifest with CreateNew, so an existing run folder is never reused or overwritten.
/// </summary>
internal sealed class RunFolderAllocator(TimeProvider timeProvider)
{
    public static string NewRunId(TimeProvider timeProvider) =>
        $"{timeProvider.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>
    /// Why no run folder can be made under <paramref name="experimentDirectory"/> (the runs folder is read-only, or a file
    /// stands in its way), or null when one can: checked before a run starts, so the cause is said as it is instead of
    /// surfacing later as a run that "did not get past validation".
    /// </summary>
    public static string? WritableProblem(string experimentDirectory)
    {
        var runsDirectory = Path.Combine(experimentDirectory, "runs");
        try
        {
            Directory.CreateDirectory(runsDirectory);
            using (new FileStream(Path.Combine(runsDirectory, $".write-check-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}"),
                FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"the runs folder {runsDirectory} cannot be written ({ex.Message.TrimEnd('.')}), so no run can be recorded there. Make it writable (e.g. `chmod u+w {runsDirectory}`), move what is in its way, or copy the experiment to a folder you can write.";
        }
    }

    /// <summary>Claims <c>runs/&lt;id&gt;/</c>; with <paramref name="requestedRunId"/> exactly that id or an error, otherwise a fresh one.</summary>
    public async Task<RunFolder> AllocateAsync(string experimentDirectory, Func<string, RunManifest> initialManifest, string? requestedRunId = null,
        CancellationToken cancellationToken = default)
    {
        var runsDirectory = Path.Combine(experimentDirectory, "runs");
        Directory.CreateDirectory(runsDirectory);
        for (var attempt = 0; attempt < (requestedRunId is null ? 20 : 1); attempt++)
        {
            var runId = requestedRunId ?? NewRunId(timeProvider);
            if (runId.Length == 0 || runId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                throw new ArgumentException($"'{runId}' is not a valid run id (letters, digits, '-' and '_' only)", nameof(requestedRunId));
            }

            var path = Path.Combine(runsDirectory, runId);
            Directory.CreateDirectory(path);
            var manifest = initialManifest(runId);
            try
            {
                await using var stream = new FileStream(Path.Combine(path, RunFolder.ManifestFileName), FileMode.CreateNew, FileAccess.Write, FileShare.None);
                await stream.WriteAsync(DiscernusJson.Serialize(manifest), cancellationToken).ConfigureAwait(false);
                return new RunFolder(path, runId);
            }
            catch (IOException) when (File.Exists(Path.Combine(path, RunFolder.ManifestFileName)))
            {
                // Someone else claimed this id; draw another.
            }
        }

        throw new IOException(requestedRunId is null
            ? $"could not allocate a unique run folder under {runsDirectory}"
            : $"run folder {Path.Combine(runsDirectory, requestedRunId)} already exists; a run folder is never reused");
    }
}
