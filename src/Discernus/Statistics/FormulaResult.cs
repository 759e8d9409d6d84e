namespace Discernus.Statistics;

/// <summary>A node's value for one document, or why it has none (a missing score, a division by zero...).</summary>
internal readonly record struct FormulaResult(FormulaValue Value, string? Failure)
{
    public bool Failed => Failure is not null;

    public static FormulaResult Of(FormulaValue value) => new(value, null);

    public static FormulaResult Of(double number) => new(FormulaValue.Of(number), null);

    public static FormulaResult Fail(string reason) => new(default, reason);
}
