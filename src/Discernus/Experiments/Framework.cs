namespace Discernus.Experiments;

/// <summary>An analytical framework as read from <c>framework.md</c>: prose plus the machine-readable appendix.</summary>
public sealed record Framework
{
    public required string Name { get; init; }
    public string? Version { get; init; }
    public string? SpecVersion { get; init; }
    /// <summary>Absolute path of the framework file.</summary>
    public required string FilePath { get; init; }
    /// <summary>The whole file as written by the researcher; this is what is hashed and shown to models.</summary>
    public required string Text { get; init; }
    public required IReadOnlyList<Dimension> Dimensions { get; init; }
    public IReadOnlyList<DerivedMetric> DerivedMetrics { get; init; } = [];
    public IReadOnlyDictionary<string, AnalysisVariant> AnalysisVariants { get; init; } = new Dictionary<string, AnalysisVariant>();

    /// <summary>
    /// The per-dimension fields the framework's <c>output_schema</c> declares (the keys beside <c>raw_score</c>, e.g.
    /// MFT v11's <c>scope_breadth</c>): a formula may name them, and validation says the metric will have no value
    /// when Discernus does not record the field, instead of refusing the name as unknown.
    /// </summary>
    public IReadOnlyList<string> DeclaredScoreFields { get; init; } = [];

    public Dimension? FindDimension(string name) =>
        Dimensions.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));
}

public sealed record Dimension
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> PositiveMarkers { get; init; } = [];
    public IReadOnlyList<string> NegativeMarkers { get; init; } = [];
    public IReadOnlyList<string> BoundaryCases { get; init; } = [];
    /// <summary>Calibration levels (high, medium, low, absent) or a single free-text <c>scoring_guide</c> under the key "guide".</summary>
    public IReadOnlyDictionary<string, string> ScoringCalibration { get; init; } = new Dictionary<string, string>();
    public string? Disambiguation { get; init; }
    /// <summary>Calibration examples (<c>anchors: [{excerpt, score}]</c>), shown to the model in the analysis prompt.</summary>
    public IReadOnlyList<Anchor> Anchors { get; init; } = [];

    /// <summary>The offline lexicon model needs at least one positive marker to score a dimension.</summary>
    public bool HasMarkers => PositiveMarkers.Count > 0;
}

/// <summary>A calibration example: a short excerpt and the score it deserves on its dimension.</summary>
public sealed record Anchor(string Excerpt, double Score);

public sealed record DerivedMetric(string Name, string? Description, string Formula);

public sealed record AnalysisVariant(string Name, string? Description, string? AnalysisPrompt);
