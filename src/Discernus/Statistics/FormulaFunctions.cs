namespace Discernus.Statistics;

/// <summary>
/// The functions a formula may call: Python's built-ins and the NumPy functions the original project's frameworks
/// use. A fixed table, so no name in a formula can reach anything else.
/// </summary>
internal static class FormulaFunctions
{
    /// <summary>How a function takes its arguments, which decides the checks before any document.</summary>
    public enum Shape
    {
        /// <summary>A number, or a list of numbers element by element (abs, sqrt).</summary>
        Elementwise,
        /// <summary>Python's min/max: one list, or several numbers.</summary>
        ListOrNumbers,
        /// <summary>NumPy's min/max: one list (a second argument would be NumPy's axis).</summary>
        OneListOrNumber,
        /// <summary>One list of numbers to one number (sum, mean, std, argmax...).</summary>
        Reduce,
        /// <summary>len: one list or text.</summary>
        Length,
        /// <summary>np.corrcoef(x, y): two lists of numbers to a 2 × 2 matrix.</summary>
        Correlation,
    }

    private static readonly Dictionary<string, Shape> Functions = new(StringComparer.Ordinal)
    {
        ["abs"] = Shape.Elementwise,
        ["sqrt"] = Shape.Elementwise,
        ["min"] = Shape.ListOrNumbers,
        ["max"] = Shape.ListOrNumbers,
        ["sum"] = Shape.Reduce,
        ["len"] = Shape.Length,
        ["mean"] = Shape.Reduce,
        ["average"] = Shape.Reduce,
        ["median"] = Shape.Reduce,
        ["std"] = Shape.Reduce,
        ["np.abs"] = Shape.Elementwise,
        ["np.sqrt"] = Shape.Elementwise,
        ["np.min"] = Shape.OneListOrNumber,
        ["np.max"] = Shape.OneListOrNumber,
        ["np.sum"] = Shape.Reduce,
        ["np.mean"] = Shape.Reduce,
        ["np.average"] = Shape.Reduce,
        ["np.median"] = Shape.Reduce,
        ["np.std"] = Shape.Reduce,
        ["np.var"] = Shape.Reduce,
        ["np.argmax"] = Shape.Reduce,
        ["np.argmin"] = Shape.Reduce,
        ["np.corrcoef"] = Shape.Correlation,
    };

    /// <summary>Every name, for "expected one of" in messages.</summary>
    public static string Known => string.Join(", ", Functions.Keys);

    public static bool TryGet(string name, out Shape shape) => Functions.TryGetValue(name, out shape);
}
