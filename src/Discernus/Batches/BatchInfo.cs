namespace Discernus.Batches;

/// <summary>A provider batch as <c>GET /v1/batches/{id}</c> describes it.</summary>
internal sealed record BatchInfo(string Id, string Status, string? InputFileId, string? OutputFileId, string? ErrorFileId, int Total, int Completed, int Failed)
{
    /// <summary>The statuses after which a batch changes no more.</summary>
    public bool IsFinal => Status is "completed" or "failed" or "expired" or "cancelled";
}
