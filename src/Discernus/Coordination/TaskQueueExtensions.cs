namespace Discernus.Coordination;

/// <summary>Typed enqueueing: the contract is validated with the receiver's own reader before it is pushed.</summary>
internal static class TaskQueueExtensions
{
    public static Task EnqueueAsync<T>(this ITaskQueue queue, T contract, CancellationToken cancellationToken = default)
        where T : class, ITaskContract
    {
        ArgumentNullException.ThrowIfNull(contract);
        var json = CoordinationJson.Serialize(contract);
        TaskContractReader.Read<T>(json).GetOrThrow();
        return queue.EnqueueAsync(contract.TaskId, json, cancellationToken);
    }

    /// <summary>Pushes a run request; its id on the queue is the run id.</summary>
    public static Task EnqueueRunRequestAsync(this ITaskQueue queue, RunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var json = CoordinationJson.Serialize(request);
        TaskContractReader.ReadRunRequest(json).GetOrThrow();
        return queue.EnqueueAsync(request.RunId, json, cancellationToken);
    }
}
