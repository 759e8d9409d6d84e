using System.Text.Json;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Experiments;

namespace Discernus.Provenance;

/// <summary>
/// The one read of a run's documents: each is read, checked, decoded and hashed once, and its bytes and text go into
/// the artifact store in the same pass, so that run setup stores exactly what validation checked (a file changed
/// since cannot slip in) and nothing reads it again. What the pass leaves is a list of <see cref="DocumentReading"/>s,
/// itself stored as one artifact whose hash the run request carries.
/// </summary>
internal static class DocumentIntake
{
    /// <summary>
    /// Reads every document of <paramref name="experiment"/> once into <paramref name="store"/>, handing each to
    /// <paramref name="observe"/> (e.g. a token counter) as it goes. Findings are those of validation; a document with
    /// a problem is reported and left out of the readings.
    /// </summary>
    public static Task<(IReadOnlyList<ValidationFinding> Findings, IReadOnlyList<DocumentReading> Readings)> ReadAsync(
        Experiment experiment, IArtifactStore store, Action<DocumentContent>? observe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(store);
        return new ExperimentReader(experiment.Limits).ReadDocumentsAsync(experiment, async (content, token) =>
        {
            observe?.Invoke(content);
            await store.PutAsync(content.Bytes, token).ConfigureAwait(false);
            await store.PutAsync(content.TextBytes, token).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Stores the readings as one artifact; its hash is what a run request passes on.</summary>
    public static Task<string> SaveAsync(IReadOnlyList<DocumentReading> readings, IArtifactStore store, CancellationToken cancellationToken = default) =>
        store.PutJsonAsync(readings, DiscernusJson.Compact, cancellationToken);

    /// <summary>
    /// The readings stored under <paramref name="hash"/>, or null when they are missing, unreadable, or no longer
    /// describe <paramref name="experiment"/>'s documents one for one (the corpus manifest changed since): the caller
    /// then reads the documents itself.
    /// </summary>
    public static async Task<IReadOnlyList<DocumentReading>?> LoadAsync(string hash, Experiment experiment, IArtifactStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(store);
        if (!Hashing.IsSha256Hex(hash))
        {
            return null;
        }

        List<DocumentReading>? readings;
        try
        {
            readings = await store.GetJsonAsync<List<DocumentReading>>(hash, DiscernusJson.Compact, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }

        var documents = experiment.Corpus.Documents;
        if (readings is null || readings.Count != documents.Count)
        {
            return null;
        }

        for (var i = 0; i < documents.Count; i++)
        {
            var (reading, document) = (readings[i], documents[i]);
            if (reading.DocumentId != document.DocumentId || reading.File != document.RelativePath)
            {
                return null;
            }

            // Read from JSON, every string is a copy of its own: a run holds these until its setup is done, and at a
            // million documents the copies of ids, paths and an equal text hash came to about 250 MB.
            readings[i] = reading with
            {
                DocumentId = document.DocumentId,
                File = document.RelativePath,
                TextSha256 = reading.TextSha256 == reading.Sha256 ? reading.Sha256 : reading.TextSha256,
            };
        }

        return readings;
    }
}
