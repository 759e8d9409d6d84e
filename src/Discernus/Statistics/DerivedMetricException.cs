using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>A derived-metric formula that cannot be parsed; the message names the column and what was expected there.</summary>
internal sealed class DerivedMetricException : Exception
{
    public DerivedMetricException(string formula, int column, string problem, string code = FindingCodes.DerivedMetricInvalid)
        : base($"Invalid formula \"{Quote(formula, column)}\" at column {column}: {problem}.")
    {
        Formula = formula;
        Column = column;
        Problem = problem;
        Code = code;
    }

    /// <summary>The finding code: <see cref="FindingCodes.FormulaTooLarge"/> for a formula over a parser limit.</summary>
    public string Code { get; }

    /// <summary>The formula as written in the framework.</summary>
    public string Formula { get; }

    /// <summary>1-based column of the offending character (one past the end for "unexpected end of formula").</summary>
    public int Column { get; }

    /// <summary>The problem alone, without the formula and column (for messages that already name them).</summary>
    public string Problem { get; }

    /// <summary>The formula, or for a long one (a hostile one may be megabytes) the part around the column.</summary>
    public static string Quote(string formula, int column)
    {
        if (formula.Length <= 200)
        {
            return formula;
        }

        var at = Math.Clamp(column - 1, 0, formula.Length);
        var start = Math.Max(0, at - 60);
        var end = Math.Min(formula.Length, at + 60);
        return $"{(start > 0 ? "..." : "")}{formula[start..end]}{(end < formula.Length ? "..." : "")}";
    }
}
