namespace Discernus.Statistics;

/// <summary>Documents split by the value of one metadata field (experiment <c>grouping</c>).</summary>
/// <param name="Field">The metadata field.</param>
/// <param name="MissingField">Documents without the field (or with an empty value); they are in no group.</param>
/// <param name="Groups">One per distinct value, sorted ordinally.</param>
internal sealed record GroupComparison(
    string Field,
    int MissingField,
    IReadOnlyList<GroupStatistics> Groups);
