namespace Discernus.Orchestration;

/// <summary>Where the Router runs an agent: in its own process (the default) or in a child process per task.</summary>
internal enum AgentIsolationMode
{
    /// <summary>Agents run inside the worker process: fastest, but an agent that crashes the process takes the worker with it.</summary>
    None,

    /// <summary>Each task runs in a child process (<c>discernus agent &lt;task_type&gt; &lt;task_id&gt;</c>); a crash ends only that child.</summary>
    Process,
}
