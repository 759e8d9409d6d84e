namespace Discernus.Coordination;

/// <summary>A task contract that failed validation on receipt; the message names the field.</summary>
internal sealed class TaskContractException : Exception
{
    public TaskContractException(string message, string? field = null)
        : base(message)
    {
        Field = field;
    }

    public string? Field { get; }
}
