using System.Text.Json;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Batches;

/// <summary>How a task contract carries its batch answer: the hash of a stored <see cref="BatchAnswer"/> in <c>params.batch_answer</c>.</summary>
internal static class BatchAnswers
{
    public const string ParamKey = "batch_answer";

    /// <summary>The contract (JSON) with the answer's hash added to its parameters.</summary>
    public static string WithAnswer(string contractJson, string answerHash)
    {
        var task = JsonSerializer.Deserialize(contractJson, CoordinationJson.TypeInfo<AnalyseDocumentTask>())
            ?? throw new InvalidDataException("an analysis contract that is not one");
        var extra = new Dictionary<string, JsonElement>(task.Params.Extra ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal)
        {
            [ParamKey] = JsonSerializer.SerializeToElement(answerHash),
        };
        return CoordinationJson.Serialize(task with { Params = task.Params with { Extra = extra } });
    }

    /// <summary>The batch answer a task carries, read from the store (checked by hash), or null when it carries none.</summary>
    public static async Task<BatchAnswer?> LoadAsync(AnalysisParams parameters, IArtifactStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(store);
        if (parameters.Extra?.TryGetValue(ParamKey, out var value) != true || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var bytes = await store.GetAsync(value.GetString()!, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"the batch answer {value.GetString()} is not in the artifact store");
        return JsonSerializer.Deserialize<BatchAnswer>(bytes, DiscernusJson.Indented);
    }
}
