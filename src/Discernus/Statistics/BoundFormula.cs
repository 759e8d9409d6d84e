namespace Discernus.Statistics;

/// <summary>What <see cref="FormulaBinder"/> makes of a formula's syntax tree.</summary>
/// <param name="Slots">How many comprehension variables an evaluation holds.</param>
/// <param name="Dimensions">Every dimension the formula reads, each once, in order of first appearance.</param>
/// <param name="DerivedMetrics">Every other derived metric it reads, each once.</param>
/// <param name="NoValueReason">Why the formula can never have a value (a text result, a field Discernus does not record), or null.</param>
internal sealed record BoundFormula(
    FormulaNode Root,
    int Slots,
    IReadOnlyList<string> Dimensions,
    IReadOnlyList<string> DerivedMetrics,
    string? NoValueReason);
