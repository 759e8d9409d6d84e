namespace Discernus.Coordination;

/// <summary>The parts of a task id <c>{run_id}:{task_type}:{n}</c>.</summary>
internal readonly record struct TaskIdParts(string RunId, string TaskType, int Number);
