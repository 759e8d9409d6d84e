namespace Discernus.Coordination;

/// <summary>The members every agent task contract shares; <see cref="ContractTaskType"/> ties a record to its task_type.</summary>
internal interface ITaskContract
{
    static abstract string ContractTaskType { get; }

    string TaskType { get; }

    string RunId { get; }

    string TaskId { get; }
}
