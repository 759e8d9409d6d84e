using System.Globalization;
using System.Text;

namespace Discernus.Coordination;

/// <summary>What <c>discernus debug --show-redis-state</c> shows.</summary>
internal sealed record CoordinationAuditReport
{
    public required string Prefix { get; init; }

    public required string Server { get; init; }

    public required IReadOnlyList<AuditedKey> Keys { get; init; }

    /// <summary>Workers whose heartbeat key exists.</summary>
    public required IReadOnlyList<string> LiveWorkers { get; init; }

    /// <summary>Workers with claimed tasks but no heartbeat: <see cref="OrphanRecovery"/> will requeue them.</summary>
    public required IReadOnlyList<string> OrphanedWorkers { get; init; }

    public IReadOnlyList<AuditedKey> Faults => Keys.Where(k => k.Problem is not null).ToList();

    public bool HasFaults => Keys.Any(k => k.Problem is not null);

    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Redis {Server}, prefix '{Prefix}': {Keys.Count} key(s)").AppendLine();
        foreach (var key in Keys)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {key.Key}  {key.Type}");
            if (key.Length is { } length)
            {
                text.Append(CultureInfo.InvariantCulture, $"  length={length}");
            }

            if (key.TimeToLive is { } ttl)
            {
                text.Append(CultureInfo.InvariantCulture, $"  ttl={ttl.TotalSeconds:0}s");
            }

            if (key.ExpectedType is null)
            {
                text.Append("  (not a coordination key)");
            }

            text.AppendLine();
        }

        text.Append("Live workers: ").AppendLine(LiveWorkers.Count == 0 ? "none" : string.Join(", ", LiveWorkers));
        if (OrphanedWorkers.Count > 0)
        {
            text.Append("Orphaned processing lists (heartbeat expired): ").AppendLine(string.Join(", ", OrphanedWorkers));
        }

        foreach (var fault in Faults)
        {
            text.Append("FAULT: ").AppendLine(fault.Problem);
        }

        return text.ToString();
    }
}
