namespace Discernus.MiniLM;

/// <summary>
/// A dimension as points in embedding space (a distributed dictionary representation, Garten et al. 2018):
/// <see cref="Centroid"/> = the unit-length mean of three unit-length parts — the definition, the mean of the guidance
/// anchors, the mean of the marker phrases — each part present only when the framework gives it, so a dimension with
/// no markers is represented by its words alone. <see cref="CounterCentroid"/> is the mean of the negative markers, or
/// null when there are none.
/// </summary>
internal sealed record DimensionProfile(string Name, float[] Centroid, float[]? CounterCentroid)
{
    public static DimensionProfile Of(DimensionTexts texts, IReadOnlyDictionary<string, float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(vectors);
        var parts = new List<float[]> { Vectors.Normalize(vectors[texts.Definition]) };
        if (texts.Guidance.Count > 0)
        {
            parts.Add(Vectors.Normalize(Vectors.Mean(texts.Guidance.Select(t => vectors[t]))));
        }

        if (texts.Markers.Count > 0)
        {
            parts.Add(Vectors.Normalize(Vectors.Mean(texts.Markers.Select(t => vectors[t]))));
        }

        var counter = texts.CounterMarkers.Count > 0 ? Vectors.Normalize(Vectors.Mean(texts.CounterMarkers.Select(t => vectors[t]))) : null;
        return new DimensionProfile(texts.Name, Vectors.Normalize(Vectors.Mean(parts)), counter);
    }
}
