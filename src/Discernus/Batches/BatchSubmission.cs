namespace Discernus.Batches;

/// <summary>
/// What a batch run sent, kept in <c>runs/&lt;id&gt;/batches/&lt;model&gt;/submission.json</c> (one per model) and written before every step that
/// reaches the provider: the request files (by hash, with the task ids they hold as custom ids), then each file's id
/// once uploaded, then each batch's id once created. A restarted run (`run --resume`) reads it and picks every batch
/// up by its id; a file uploaded but not yet recorded as submitted is looked for among the provider's batches before
/// anything is sent again, so no request is ever submitted twice.
/// </summary>
internal sealed record BatchSubmission
{
    public required string Model { get; init; }

    /// <summary>The provider's wire format, <c>openai</c>.</summary>
    public required string Protocol { get; init; }

    public required string CreatedAt { get; init; }

    public IReadOnlyList<BatchChunk> Chunks { get; init; } = [];

    /// <summary>Task ids whose batch line failed (error, invalid or missing): they are asked interactively, and named in the report.</summary>
    public IReadOnlyList<BatchLineFailure> Failures { get; init; } = [];
}

/// <summary>One request file and the batch made of it.</summary>
internal sealed record BatchChunk
{
    public required int Index { get; init; }

    /// <summary>The file in the run folder, <c>batches/requests-0001.jsonl</c>.</summary>
    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public required IReadOnlyList<string> TaskIds { get; init; }

    public string? InputFileId { get; init; }

    public string? BatchId { get; init; }

    /// <summary><c>prepared</c>, <c>uploaded</c>, then the provider's status (<c>validating</c>, <c>in_progress</c>, <c>completed</c>, <c>failed</c>, <c>expired</c>, <c>cancelled</c>...), then <c>collected</c>.</summary>
    public required string Status { get; init; }

    public string? OutputFileId { get; init; }

    public string? ErrorFileId { get; init; }

    public int Completed { get; init; }

    public int Failed { get; init; }

    public string? SubmittedAt { get; init; }

    public string? CollectedAt { get; init; }
}

/// <summary>A task whose batch answer could not be used, and why.</summary>
internal sealed record BatchLineFailure(string TaskId, string? DocumentName, string Reason);
