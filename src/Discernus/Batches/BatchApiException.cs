namespace Discernus.Batches;

/// <summary>A batch API call that failed for good (after retries of transient failures); the message names the call, the status and the provider's words.</summary>
internal sealed class BatchApiException(string message, int? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status, or null when no answer came.</summary>
    public int? Status { get; } = status;

    /// <summary>A status worth another try later (rate limit, server error) or none at all (no connection).</summary>
    public bool IsTransient => Status is null or 408 or 409 or 429 or >= 500;
}
