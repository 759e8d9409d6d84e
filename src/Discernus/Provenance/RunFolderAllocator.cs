using System.Security.Cryptography;

namespace Discernus.Provenance;

/// <summary>
/// Creates <c>runs/&lt;run_id&gt;/</c>. The id is the UTC timestamp plus a short random tag, so runs started in the
/// same second (even of different experiments sharing one Redis) never share an id; the folder is claimed by creating
/// its manifest with CreateNew, so an existing run folder is never reused or overwritten.
/// </summary>
public sealed class RunFolderAllocator(TimeProvider timeProvider)
{
    public async Task<RunFolder> AllocateAsync(string experimentDirectory, Func<string, RunManifest> initialManifest, CancellationToken cancellationToken = default)
    {
        var runsDirectory = Path.Combine(experimentDirectory, "runs");
        Directory.CreateDirectory(runsDirectory);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var runId = $"{timeProvider.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
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

        throw new IOException($"could not allocate a unique run folder under {runsDirectory}");
    }
}
