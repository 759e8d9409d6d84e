using System.Text.Json.Nodes;

namespace Discernus.Batches;

/// <summary>
/// A provider's batch API as <see cref="BatchAnalysisPhase"/> uses it: how a request line is written, how a request file
/// becomes a batch (OpenAI uploads it first; Anthropic takes the requests in the creation call), how a batch is read,
/// listed and cancelled, and how its results are read back into <see cref="BatchResultLine"/>s.
/// </summary>
internal interface IBatchApi : IDisposable
{
    /// <summary><c>openai</c> or <c>anthropic</c>.</summary>
    string Protocol { get; }

    /// <summary>A custom id the provider accepts for a task id (Anthropic allows letters, digits, <c>-</c> and <c>_</c> only).</summary>
    string CustomIdOf(string taskId);

    /// <summary>One line of a request file: the request <paramref name="body"/> under <paramref name="customId"/>.</summary>
    JsonObject Line(string customId, JsonObject body);

    /// <summary>Uploads a request file and returns its id, or null when the API takes the requests in <see cref="CreateAsync"/>.</summary>
    Task<string?> UploadAsync(byte[] requestFile, string fileName, CancellationToken cancellationToken);

    Task<BatchInfo> CreateAsync(string? inputFileId, byte[] requestFile, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>The most recent batches, to find one whose creation answer was lost (OpenAI: by its input file).</summary>
    Task<IReadOnlyList<BatchInfo>> ListAsync(CancellationToken cancellationToken);

    Task<BatchInfo> CancelAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>Every result line of an ended batch: answers, errors, and lines that cannot be read (no custom id).</summary>
    Task<IReadOnlyList<BatchResultLine>> ResultsAsync(string batchId, string? outputFileId, string? errorFileId, CancellationToken cancellationToken);
}

/// <summary>One result of a batch: an answer (<see cref="Text"/>) or why there is none (<see cref="Error"/>).</summary>
internal sealed record BatchResultLine(string CustomId)
{
    public string? Text { get; init; }

    public string? ModelId { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long CachedInputTokens { get; init; }

    public long CacheWriteTokens { get; init; }

    public string? Error { get; init; }
}
