namespace Discernus.Orchestration;

internal sealed record RouterOptions
{
    /// <summary>Concurrent agent loops; model calls wait on the network, so more than the core count pays off.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>How long one claim blocks on the server before the loop checks for shutdown.</summary>
    public TimeSpan ClaimWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Claims of one task before it goes to the dead list (crashes and transient errors only).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Most tasks one loop claims at once while its tasks are short (each slow task resets it to one).</summary>
    public int ClaimBatch { get; init; } = 8;

    /// <summary>Unique per host instance; a dead instance's claims come back through heartbeat expiry, not by id reuse.</summary>
    public string WorkerIdPrefix { get; init; } = HostIdentity.New();

    /// <summary>In-process agents (default) or a child process per task (<c>--isolation process</c>).</summary>
    public AgentIsolationOptions Isolation { get; init; } = new();

    public void Validate()
    {
        if (Concurrency is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "--concurrency must be between 1 and 256");
        }
    }
}
