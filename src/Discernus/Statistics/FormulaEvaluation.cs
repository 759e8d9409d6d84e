namespace Discernus.Statistics;

/// <summary>
/// The mutable part of one evaluation, so a parsed formula stays immutable and can be shared: the values of its
/// comprehension variables and a step count. The count bounds the work of nested comprehensions
/// (<c>[[... for a in all_dimensions] for b in all_dimensions]</c> grows as dimensions to the power of the nesting).
/// </summary>
internal sealed class FormulaEvaluation(int slots)
{
    /// <summary>Far above any real formula (a comprehension over 100 dimensions takes about 1,000 steps).</summary>
    public const int MaxSteps = 1_000_000;

    public FormulaValue[] Slots { get; } = new FormulaValue[slots];

    public int Steps { get; set; }
}
