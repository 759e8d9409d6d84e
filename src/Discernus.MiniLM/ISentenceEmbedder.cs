namespace Discernus.MiniLM;

/// <summary>Turns texts into unit-length sentence embeddings, one vector per text, in the order given.</summary>
internal interface ISentenceEmbedder
{
    /// <summary>The embedding model's name, part of every cache key (a different model never reuses a vector).</summary>
    string ModelId { get; }

    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
