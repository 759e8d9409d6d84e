namespace Discernus.Orchestration.Stages;

/// <summary>
/// A task of a stage. Its contract is written only when the task is queued: a run of 100,000 documents keeps ids,
/// not 100,000 contracts, in memory. <see cref="Contract"/> takes the stage's W3C trace context (or null).
/// </summary>
internal sealed record PlannedTask(string TaskId, Func<string?, string> Contract, string? DocumentName, string? Model);

/// <summary>
/// The tasks of a stage in planned order, each found by its id. A listed plan holds its tasks; a run's analyses are
/// computed from their position instead (<see cref="AnalysisPlan"/>), so that a million planned analyses cost a few
/// dozen bytes each rather than a task, a contract closure and an id string each (about 400 bytes).
/// </summary>
internal abstract class TaskPlan : IReadOnlyList<PlannedTask>
{
    public abstract int Count { get; }

    /// <summary>The task at <paramref name="index"/>, made when asked for (an <see cref="AnalysisPlan"/> keeps none).</summary>
    public abstract PlannedTask this[int index] { get; }

    /// <summary>The position of the task with this id, or -1 when the plan has no such task.</summary>
    public abstract int IndexOf(string taskId);

    /// <summary>The id of the task at <paramref name="index"/>, without making the task.</summary>
    public virtual string TaskId(int index) => this[index].TaskId;

    public static TaskPlan Of(params IReadOnlyList<PlannedTask> tasks) => new ListedTasks(tasks);

    public IEnumerator<PlannedTask> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class ListedTasks(IReadOnlyList<PlannedTask> tasks) : TaskPlan
    {
        // Two tasks with one id are a planning error: ToDictionary refuses them.
        private readonly Dictionary<string, int> _positions = tasks.Select((task, i) => (task.TaskId, i)).ToDictionary(x => x.TaskId, x => x.i, StringComparer.Ordinal);

        public override int Count => tasks.Count;

        public override PlannedTask this[int index] => tasks[index];

        public override int IndexOf(string taskId) => _positions.GetValueOrDefault(taskId, -1);
    }
}

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
    public TaskPlan? PlannedAnalyses { get; set; }
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
