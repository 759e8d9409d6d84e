namespace Discernus.Statistics;

/// <summary>
/// The static type of a formula expression, known before any document: checks a framework's formulas at validation
/// (arithmetic on a list, indexing a number) instead of failing on every document.
/// </summary>
/// <param name="Element">For a list, the type of its elements; null when unknown (an empty list).</param>
internal sealed record FormulaType(FormulaKind Kind, FormulaType? Element = null)
{
    public static readonly FormulaType Number = new(FormulaKind.Number);
    public static readonly FormulaType Boolean = new(FormulaKind.Boolean);
    public static readonly FormulaType Text = new(FormulaKind.Text);
    public static readonly FormulaType Dimension = new(FormulaKind.Dimension);
    public static readonly FormulaType NumberList = new(FormulaKind.List, Number);
    public static readonly FormulaType Unknown = new(FormulaKind.Unknown);

    /// <summary>A number, or a boolean (Python counts True as 1).</summary>
    public bool IsNumeric => Kind is FormulaKind.Number or FormulaKind.Boolean;

    /// <summary>Numeric, or unknown until the formula runs.</summary>
    public bool MayBeNumeric => IsNumeric || Kind == FormulaKind.Unknown;

    /// <summary>A list whose elements may be numeric, or a value of unknown type.</summary>
    public bool MayBeNumericList => Kind == FormulaKind.Unknown || (Kind == FormulaKind.List && (Element is null || Element.MayBeNumeric));

    public bool MayBeList => Kind is FormulaKind.List or FormulaKind.Unknown;

    public static FormulaType ListOf(FormulaType? element) => new(FormulaKind.List, element);

    /// <summary>How the type is named in messages.</summary>
    public string Describe() => Kind switch
    {
        FormulaKind.Number => "a number",
        FormulaKind.Boolean => "a comparison (true or false)",
        FormulaKind.Text => "a text",
        FormulaKind.Dimension => "a dimension",
        FormulaKind.Unknown => "a value",
        _ => Element?.Kind switch
        {
            FormulaKind.Number => "a list of numbers",
            FormulaKind.Boolean => "a list of comparisons",
            FormulaKind.Text => "a list of texts",
            FormulaKind.Dimension => "a list of dimensions",
            FormulaKind.List => "a list of lists",
            _ => "a list",
        },
    };
}
