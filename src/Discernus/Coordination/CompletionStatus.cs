namespace Discernus.Coordination;

/// <summary>The status values of a <see cref="CompletionSignal"/>.</summary>
internal static class CompletionStatus
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static bool IsKnown(string? status) => status is Succeeded or Failed;
}
