namespace Discernus.Models;

/// <summary>One dimension of a validated answer; the numbers are null only for a dimension declared not scorable.</summary>
internal sealed record ValidatedDimension(
    string Name,
    double? Score,
    double? Salience,
    double? Confidence,
    IReadOnlyList<string> Evidence,
    string? NotScorableReason);
