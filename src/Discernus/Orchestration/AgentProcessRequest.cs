namespace Discernus.Orchestration;

/// <summary>
/// What a worker hands its child agent process on standard input (one JSON line): the task and where its run's
/// artifacts are. Secrets never travel here or on the command line: the child reads them from its environment.
/// </summary>
internal sealed record AgentProcessRequest
{
    public required string TaskType { get; init; }

    public required string TaskId { get; init; }

    /// <summary>The task contract exactly as it was claimed (the JSON of <c>task:{id}:data</c>).</summary>
    public required string Contract { get; init; }

    /// <summary>Identity of the run's artifact store (<c>folder:/path</c>, <c>s3:endpoint/bucket</c>).</summary>
    public required string ArtifactStore { get; init; }

    /// <summary>The worker's own store folder, for the store configured in the environment (and the response cache).</summary>
    public required string ArtifactsDirectory { get; init; }

    /// <summary>
    /// The run folder when the worker keeps the run's logs (it runs the run's Orchestrator); the child then sends its
    /// run-log lines and model-call records back to the worker, which writes them. Null: the run is not logged here.
    /// </summary>
    public string? RunFolder { get; init; }

    /// <summary>The worker (host:pid), recorded in results as the process that analysed a document: a child is part of its worker.</summary>
    public required string Worker { get; init; }

    /// <summary>The W3C trace context of the worker's task span: the child's model calls join the run's trace under it.</summary>
    public string? Traceparent { get; init; }

    /// <summary>What a worker tells every child of one agent: the run's store, its own store folder and its identity.</summary>
    internal sealed record Place(string ArtifactStore, string ArtifactsDirectory, string Worker);
}
