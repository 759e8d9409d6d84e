namespace Discernus.Coordination;

/// <summary>
/// What a key under the prefix is: its <see cref="Kind"/>, the id it carries (worker, task or run id) and the run it
/// belongs to, when that can be told from the key.
/// </summary>
internal readonly record struct SchemaKey(RedisKeyKind Kind, string? Id, string? RunId)
{
    public static SchemaKey Unknown { get; } = new(RedisKeyKind.Unknown, null, null);
}
