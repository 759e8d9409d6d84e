using Discernus.Content;

namespace Discernus.Provenance;

internal sealed record VerificationResult(string RunFolder, int FilesChecked, IReadOnlyList<string> Problems, string? Status = null)
{
    /// <summary>
    /// Results an unfinished run wrote but has not listed yet (it lists them when it ends): expected while it runs, and
    /// what a resumed run picks up when it was interrupted. Not problems.
    /// </summary>
    public int UnlistedResults { get; init; }

    public RunManifest? Manifest { get; init; }

    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// <c>discernus verify</c>: re-hashes every file the manifest lists, checks that assets are named by their own hash
/// and that no unlisted file sits among the inputs and results.
/// </summary>
internal static class RunVerifier
{
    public static async Task<VerificationResult> VerifyAsync(string runFolder, CancellationToken cancellationToken = default)
    {
        // However the path was typed (trailing slash, ./, symbolic links among its parents), compare real paths.
        var root = Experiments.SafePaths.RealPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runFolder)));
        var problems = new List<string>();
        var manifestPath = Path.Combine(root, RunFolder.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return new VerificationResult(root, 0, [$"{manifestPath} does not exist: this is not a run folder"]);
        }

        RunManifest manifest;
        try
        {
            manifest = RunFolder.ReadManifest(manifestPath);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            return new VerificationResult(root, 0, [$"manifest.json cannot be read: {ex.Message}"]);
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            listed.Add(file.Path);
            var full = Path.GetFullPath(Path.Combine(root, file.Path));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                problems.Add($"{file.Path}: listed path leads outside the run folder");
                continue;
            }

            if (!File.Exists(full))
            {
                problems.Add($"{file.Path}: missing (manifest sha256 {file.Sha256})");
                continue;
            }

            var actual = await Hashing.Sha256FileAsync(full, cancellationToken).ConfigureAwait(false);
            if (actual != file.Sha256)
            {
                problems.Add($"{file.Path}: content changed (manifest sha256 {file.Sha256}, file hashes to {actual})");
            }
            else if (file.Path.StartsWith("assets/", StringComparison.Ordinal) && Path.GetFileNameWithoutExtension(file.Path) != actual)
            {
                problems.Add($"{file.Path}: an asset must be named by its own hash, but its content hashes to {actual}");
            }
        }

        var unfinished = !RunStatus.IsFinal(manifest.Status);
        var unlistedResults = 0;
        foreach (var directory in new[] { RunFolder.AssetsFolder, RunFolder.ResultsFolder })
        {
            var full = Path.Combine(root, directory);
            if (!Directory.Exists(full))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(file).StartsWith('.'))
                {
                    // File managers' hidden files (.DS_Store) are not part of a run.
                    continue;
                }

                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (listed.Contains(relative))
                {
                    continue;
                }

                if (unfinished && directory == RunFolder.ResultsFolder)
                {
                    unlistedResults++;
                }
                else
                {
                    problems.Add($"{relative}: not listed in the manifest");
                }
            }
        }

        return new VerificationResult(root, manifest.Files.Count, problems, manifest.Status) { UnlistedResults = unlistedResults, Manifest = manifest };
    }
}
