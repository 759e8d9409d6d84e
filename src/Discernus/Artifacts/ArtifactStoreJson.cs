using System.Text.Json;

namespace Discernus.Artifacts;

/// <summary>
/// A value stored as one JSON artifact through a temporary file, never as one buffer: what run setup passes on (the
/// validated experiment and the documents' readings) is tens of MB at 100,000 documents, and a serialised buffer of
/// that size doubled on its way up the large-object heap.
/// </summary>
internal static class ArtifactStoreJson
{
    public static async Task<string> PutJsonAsync<T>(this IArtifactStore store, T value, JsonSerializerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var path = TempPath();
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await JsonSerializer.SerializeAsync(file, value, options, cancellationToken).ConfigureAwait(false);
            }

            return await store.PutFileAsync(path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The value stored under <paramref name="hash"/>, or null when the store does not hold it; malformed JSON throws <see cref="JsonException"/>.</summary>
    public static async Task<T?> GetJsonAsync<T>(this IArtifactStore store, string hash, JsonSerializerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var path = TempPath();
        try
        {
            if (!await store.GetFileAsync(hash, path, cancellationToken).ConfigureAwait(false))
            {
                return default;
            }

            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return await JsonSerializer.DeserializeAsync<T>(file, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"discernus-artifact-{Guid.NewGuid():N}.json");
}
