namespace Discernus.Coordination;

/// <summary>A live heartbeat (worker:{id}) with what its JSON value says about the process behind it.</summary>
internal sealed record AuditedWorker
{
    public required string WorkerId { get; init; }

    /// <summary>Machine and process id from the heartbeat, or null when its value is not a heartbeat record.</summary>
    public string? Host { get; init; }

    public int? ProcessId { get; init; }

    public string? StartedAt { get; init; }

    public string? BeatAt { get; init; }

    /// <summary>Seconds until the heartbeat expires unless beaten again.</summary>
    public double? ExpiresInSeconds { get; init; }

    /// <summary>Tasks (or run requests) in its processing list.</summary>
    public long ProcessingItems { get; init; }
}
