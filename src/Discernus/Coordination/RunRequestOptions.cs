namespace Discernus.Coordination;

/// <summary>Keys of <see cref="RunRequest.Options"/> that the CLI sets and the Orchestrator reads.</summary>
internal static class RunRequestOptions
{
    /// <summary>"refresh" for <c>run --no-cache</c> (every answer asked fresh); absent or "use" otherwise.</summary>
    public const string Cache = "cache";
}
