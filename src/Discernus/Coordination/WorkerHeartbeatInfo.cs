namespace Discernus.Coordination;

/// <summary>The value of <c>worker:{worker_id}</c>; only its existence matters, the rest helps `debug` output.</summary>
internal sealed record WorkerHeartbeatInfo
{
    public required string WorkerId { get; init; }

    public required string Host { get; init; }

    public required int ProcessId { get; init; }

    /// <summary>ISO 8601 UTC.</summary>
    public required string StartedAt { get; init; }

    /// <summary>ISO 8601 UTC.</summary>
    public required string BeatAt { get; init; }
}
