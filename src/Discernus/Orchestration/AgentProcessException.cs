namespace Discernus.Orchestration;

/// <summary>
/// A task's child agent process crashed, hung past its time limit or threw; the Router tries the task again later and
/// dead-letters it with this message once its attempts are used up.
/// </summary>
internal sealed class AgentProcessException(string message) : Exception(message);
