namespace Discernus.Coordination;

/// <summary>One key found under the prefix by <see cref="CoordinationAudit"/>.</summary>
internal sealed record AuditedKey
{
    public required string Key { get; init; }

    /// <summary>Which schema key this is (<see cref="RedisKeyKind.Unknown"/> for one the schema does not know).</summary>
    public RedisKeyKind Kind { get; init; }

    /// <summary>The worker, task or run id the key carries, if any.</summary>
    public string? Id { get; init; }

    /// <summary>The run the key belongs to (run keys, task keys), if any.</summary>
    public string? RunId { get; init; }

    /// <summary>What TYPE says: list, string, hash, ...</summary>
    public required string Type { get; init; }

    /// <summary>What the schema expects, or null for a key the schema does not know.</summary>
    public string? ExpectedType { get; init; }

    /// <summary>LLEN / HLEN / STRLEN / SCARD / ZCARD as fits the type.</summary>
    public long? Length { get; init; }

    public TimeSpan? TimeToLive { get; init; }

    /// <summary>Why this key is a coordination fault (with the fix), or null.</summary>
    public string? Problem { get; init; }
}
