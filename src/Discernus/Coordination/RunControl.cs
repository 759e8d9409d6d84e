namespace Discernus.Coordination;

/// <summary>
/// What an Orchestrator reads of its run's state while a stage runs: the cancel flag, the epoch it wrote (null when
/// the state or the field is gone: Redis lost the run) and an endpoint outage a worker recorded.
/// </summary>
internal sealed record RunControl(bool CancelRequested, string? Epoch, Models.ModelOutage? Outage);
