namespace Discernus.Statistics;

/// <summary>A derived-metric formula that cannot be parsed; the message names the column and what was expected there.</summary>
internal sealed class DerivedMetricException : Exception
{
    public DerivedMetricException(string formula, int column, string problem)
        : base($"Invalid formula \"{formula}\" at column {column}: {problem}.")
    {
        Formula = formula;
        Column = column;
        Problem = problem;
    }

    /// <summary>The formula as written in the framework.</summary>
    public string Formula { get; }

    /// <summary>1-based column of the offending character (one past the end for "unexpected end of formula").</summary>
    public int Column { get; }

    /// <summary>The problem alone, without the formula and column (for messages that already name them).</summary>
    public string Problem { get; }
}
