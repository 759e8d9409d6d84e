namespace Discernus.Provenance;

/// <summary>
/// Where a manifest file's <c>documents</c> and <c>files</c> lists lie: the byte range of each list's JSON value,
/// recorded by <see cref="ManifestStream.Write"/> as it writes them. An update copies the documents (which never change
/// after RUN SETUP), and the files when it changes none (a stage started or finished, the cost, the status), from the
/// file it replaces as they are, instead of reading them token by token and writing them again: at 3,200 documents that
/// was about 0.1 s per update and ten updates lie between a run's last analysis and its end, growing with the corpus
/// (about 1 KB of lists per document).
/// </summary>
internal readonly record struct ManifestLayout(long DocumentsStart, long DocumentsEnd, long FilesStart, long FilesEnd)
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>The length of the file described, once written (0 before: no manifest is empty, so it matches none).</summary>
    public long Length { get; init; }

    /// <summary>The file's last write time (UTC), once written.</summary>
    public DateTime Written { get; init; }

    /// <summary>
    /// <paramref name="path"/> opened for copying, when it is still the file described (its length and write time, read
    /// from the open handle, so a file another writer put in its place after any earlier look is never copied from);
    /// otherwise null.
    /// </summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle? OpenIfUnchanged(string path)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        if (RandomAccess.GetLength(handle) == Length && File.GetLastWriteTimeUtc(handle) == Written)
        {
            return handle;
        }

        handle.Dispose();
        return null;
    }

    /// <summary>Copies the bytes <paramref name="start"/> to <paramref name="end"/> of <paramref name="source"/> to <paramref name="destination"/>, a chunk at a time.</summary>
    public static void CopyRange(Microsoft.Win32.SafeHandles.SafeFileHandle source, long start, long end, Stream destination)
    {
        var buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(1, end - start))];
        for (var at = start; at < end;)
        {
            var read = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - at)), at);
            if (read == 0)
            {
                throw new InvalidDataException($"the manifest ended at byte {at}, inside a list its last write put at {start}-{end}");
            }

            destination.Write(buffer, 0, read);
            at += read;
        }
    }
}
