using System.Text.Json.Nodes;

namespace Discernus.Batches;

/// <summary>
/// One request a batch run sends: its task (the batch line's <c>custom_id</c>) and how to build its body in the
/// provider's wire format, with the <c>ChatRequestHasher.HashMessages</c> of the messages it carries.
/// </summary>
internal sealed record BatchItem(string TaskId, string? DocumentName, Func<CancellationToken, Task<BatchRequest>> Build);

/// <summary>A request body and the hash of its messages (what the agent's own request will hash to).</summary>
internal sealed record BatchRequest(JsonObject Body, string PromptHash);

/// <summary>What a batch phase leaves: per task the hash of its stored <see cref="BatchAnswer"/>, and the tasks without one.</summary>
internal sealed record BatchOutcome(IReadOnlyDictionary<string, string> Answers, IReadOnlyList<BatchLineFailure> Failures);
