namespace Discernus.Orchestration.Stages;

/// <summary>
/// A task of a stage. Its contract is written only when the task is queued: a run of 100,000 documents keeps ids,
/// not 100,000 contracts, in memory. <see cref="Contract"/> takes the stage's W3C trace context (or null).
/// </summary>
internal sealed record PlannedTask(string TaskId, Func<string?, string> Contract, string? DocumentName, string? Model);

/// <summary>
/// What earlier executions of a run left: the analyses with a result, those that failed (some of them dead-listed),
/// and the failure signals sent to them that still wait to be read.
/// </summary>
internal sealed record PriorExecution(Dictionary<string, Coordination.CompletionSignal> Succeeded, HashSet<string> Failed, HashSet<string> DeadListed, HashSet<string> StaleSignals);

/// <summary>A run as a stage receives it: its context and the artifact store its tasks read and write.</summary>
internal sealed record StageRun(RunContext Run, Artifacts.IArtifactStore Store);

/// <summary>
/// What the stages of one execution hand on to the next: the planned analyses (the pre-test runs some of them first),
/// the pre-test's answers, the analysis results, the synthesis and the report.
/// </summary>
internal sealed class StageOutputs
{
    public List<PlannedTask>? PlannedAnalyses { get; set; }
    public Dictionary<string, Coordination.CompletionSignal>? PretestAnswers { get; set; }
    public IReadOnlyList<string> Analyses { get; set; } = [];
    public Agents.SynthesisResult? Synthesis { get; set; }
    public (string Markdown, string Html)? Report { get; set; }
}

/// <summary>One stage of a run after its setup; the Orchestrator runs them in order and stops where the plan says.</summary>
internal interface IRunStage
{
    /// <summary>The stage's name in the manifest (<see cref="Provenance.StageNames"/>).</summary>
    string Name { get; }

    Task RunAsync(StageRun stage, StageOutputs outputs, CancellationToken cancellationToken);
}
