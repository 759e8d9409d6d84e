namespace Discernus.Statistics;

/// <summary>What a formula value is: the original project's formulas mix numbers, booleans, texts, lists and dimensions.</summary>
internal enum FormulaKind
{
    Number,
    Boolean,
    Text,
    List,
    /// <summary>A dimension itself (<c>dim</c> in <c>for dim in all_dimensions</c>): only its fields are numbers.</summary>
    Dimension,

    /// <summary>Only as a static type: an element of a list whose elements differ, checked when the formula runs.</summary>
    Unknown,
}
