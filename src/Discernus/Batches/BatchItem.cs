using System.Text.Json.Nodes;

namespace Discernus.Batches;

/// <summary>One request a batch run sends: its task (the batch line's <c>custom_id</c>) and how to build its body.</summary>
internal sealed record BatchItem(string TaskId, string? DocumentName, Func<CancellationToken, Task<JsonObject>> BuildBody);

/// <summary>What a batch phase leaves: per task the hash of its stored <see cref="BatchAnswer"/>, and the tasks without one.</summary>
internal sealed record BatchOutcome(IReadOnlyDictionary<string, string> Answers, IReadOnlyList<BatchLineFailure> Failures);
