using System.Globalization;

namespace Discernus.Statistics;

/// <summary>One value during the evaluation of a formula.</summary>
/// <param name="Number">The number (1 or 0 for a boolean).</param>
/// <param name="Text">The text, or the dimension's name.</param>
/// <param name="Items">The elements of a list.</param>
internal readonly record struct FormulaValue(FormulaKind Kind, double Number, string? Text, IReadOnlyList<FormulaValue>? Items)
{
    public static FormulaValue Of(double number) => new(FormulaKind.Number, number, null, null);

    public static FormulaValue Of(bool value) => new(FormulaKind.Boolean, value ? 1 : 0, null, null);

    public static FormulaValue OfText(string text) => new(FormulaKind.Text, 0, text, null);

    public static FormulaValue OfDimension(string name) => new(FormulaKind.Dimension, 0, name, null);

    public static FormulaValue OfList(IReadOnlyList<FormulaValue> items) => new(FormulaKind.List, 0, null, items);

    public bool IsNumeric => Kind is FormulaKind.Number or FormulaKind.Boolean;

    /// <summary>Python's truth: a nonzero number, a non-empty text or list.</summary>
    public bool IsTrue => Kind switch
    {
        FormulaKind.Text => Text!.Length > 0,
        FormulaKind.List => Items!.Count > 0,
        FormulaKind.Dimension => true,
        _ => Number != 0,
    };

    /// <summary>How the value is shown in a failure reason.</summary>
    public string Describe() => Kind switch
    {
        FormulaKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        FormulaKind.Boolean => Number != 0 ? "True" : "False",
        FormulaKind.Text => $"'{Text}'",
        FormulaKind.Dimension => $"dimension {Text}",
        _ => Items!.Count <= 6
            ? $"[{string.Join(", ", Items.Select(i => i.Describe()))}]"
            : $"[{string.Join(", ", Items.Take(6).Select(i => i.Describe()))}, ... ({Items.Count} values)]",
    };
}
