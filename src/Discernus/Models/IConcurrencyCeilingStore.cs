namespace Discernus.Models;

/// <summary>
/// Where the processes calling one endpoint pool what their concurrency limiters learn (Coordination's Redis
/// implementation: one hash per endpoint). Each process reports its limit and its last decision; the store keeps the
/// ceiling they learnt together (half the total they had in flight when the provider first refused, raised by one
/// for each clean window since) and says how many processes share it. Implementations must be safe for concurrent calls.
/// </summary>
internal interface IConcurrencyCeilingStore
{
    /// <param name="name">The endpoint's limit name (no secret in it).</param>
    /// <param name="member">This process (host, pid and an instance id): one entry per process, dropped when it stops reporting.</param>
    /// <param name="peak">Calls this process had in flight in the window it decided on.</param>
    /// <param name="limit">Its limit after the decision.</param>
    /// <param name="decision">What the window decided ("join" when it only reports itself).</param>
    /// <param name="max">The highest the ceiling may go.</param>
    ValueTask<ConcurrencyCeiling> ReportAsync(string name, string member, int peak, int limit, string decision, int max, CancellationToken cancellationToken = default);
}

/// <summary>The ceiling the processes learnt (null until one of them met an overload) and how many processes share it.</summary>
internal sealed record ConcurrencyCeiling(int? Total, int Members)
{
    /// <summary>One process's part of the ceiling (at least 1), or null while no ceiling is known.</summary>
    public int? Share => Total is { } total ? Math.Max(1, total / Math.Max(1, Members)) : null;
}
