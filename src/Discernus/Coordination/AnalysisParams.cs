using System.Text.Json;
using System.Text.Json.Serialization;

namespace Discernus.Coordination;

/// <summary>
/// The <c>params</c> object of an analyse_document task. Known fields are typed; anything else a producer adds
/// survives the round trip in <see cref="Extra"/> so newer producers do not break older agents.
/// </summary>
internal sealed record AnalysisParams
{
    /// <summary>1-based index of the repeated run of this document with this model (runs_per_model).</summary>
    public int Run { get; init; } = 1;

    public double? Temperature { get; init; }

    public string? AnalysisVariant { get; init; }

    /// <summary>The researcher's document id from the corpus manifest.</summary>
    public string? CorpusDocumentId { get; init; }

    /// <summary>"refresh" asks the model even when the response cache holds a validated answer (<c>run --no-cache</c>); null or "use" otherwise.</summary>
    public string? Cache { get; init; }

    /// <summary>Settable because System.Text.Json cannot fill extension data through an init accessor.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
