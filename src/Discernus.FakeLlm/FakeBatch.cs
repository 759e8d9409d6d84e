namespace Discernus.FakeLlm;

/// <summary>One batch the fake provider holds, as its Files/Batch endpoints advance it.</summary>
internal sealed class FakeBatch(string id, long sequence, string inputFileId, string[] lines, Dictionary<string, string> metadata, DateTimeOffset createdAt)
{
    public string Id => id;
    public long Sequence => sequence;
    public string InputFileId => inputFileId;
    public string[] Lines => lines;
    public Dictionary<string, string> Metadata => metadata;
    public DateTimeOffset CreatedAt => createdAt;
    public string Status { get; set; } = "in_progress";
    public bool Cancelled { get; set; }
    public int Completed { get; set; }
    public int Failed { get; set; }
    public bool Anthropic { get; init; }
    public int Errored { get; set; }
    public int Canceled { get; set; }
    public int Expired { get; set; }
    public string? OutputFileId { get; set; }
    public string? ErrorFileId { get; set; }
}
