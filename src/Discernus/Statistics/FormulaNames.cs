using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>The names a framework's formulas may use; unknown ones are refused with the column and the names known.</summary>
internal sealed record FormulaNames
{
    private static readonly HashSet<string> Recorded = new(StringComparer.OrdinalIgnoreCase) { "raw_score", "score", "salience", "confidence" };

    public static readonly FormulaNames Unchecked = new();

    /// <summary>The framework's derived metrics: a bare name among them reads that metric.</summary>
    public IReadOnlySet<string> DerivedMetrics { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The framework's dimensions, in order; null when the caller does not know them: then any name reads a dimension
    /// (a missing one has no value when the formula runs), and <c>all_dimensions</c> is refused.
    /// </summary>
    public IReadOnlyList<string>? Dimensions { get; init; }

    /// <summary>Per-dimension fields the framework declares but Discernus does not record (MFT v11's <c>scope_breadth</c>), lower case.</summary>
    public IReadOnlySet<string> UnrecordedFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The names of a framework: its dimensions, its derived metrics and the fields its output_schema declares.</summary>
    public static FormulaNames Of(Framework framework)
    {
        ArgumentNullException.ThrowIfNull(framework);
        return new FormulaNames
        {
            DerivedMetrics = framework.DerivedMetrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal),
            Dimensions = framework.Dimensions.Select(d => d.Name).ToList(),
            UnrecordedFields = framework.DeclaredScoreFields.Where(f => !Recorded.Contains(f)).Select(f => f.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>Dimensions and derived metrics by name, without a framework's declared fields.</summary>
    public static FormulaNames Of(IReadOnlyList<string> dimensions, IEnumerable<string> derivedMetrics) => new()
    {
        Dimensions = dimensions,
        DerivedMetrics = derivedMetrics.ToHashSet(StringComparer.Ordinal),
    };
}
