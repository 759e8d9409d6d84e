namespace Discernus.Statistics;

/// <summary>
/// A node of a parsed derived-metric formula. It keeps the formula and its own offsets rather than its text, so a
/// formula of n terms needs memory in proportion to n; the text is cut out only for a failure reason.
/// </summary>
internal abstract class FormulaNode(string formula, int start, int end, FormulaType type)
{
    /// <summary>What the node gives, as far as it is known before any document.</summary>
    public FormulaType Type { get; } = type;

    public int Start { get; } = start;

    public int End { get; } = end;

    /// <summary>The part of the formula this node was parsed from, quoted in failure reasons (shortened when long).</summary>
    public string Text => Excerpt(Formula, Start, End);

    protected string Formula { get; } = formula;

    /// <summary>Evaluates the node for one document; never throws for missing values or arithmetic problems.</summary>
    public FormulaResult Evaluate(FormulaContext context)
    {
        if (++context.State.Steps > FormulaEvaluation.MaxSteps)
        {
            return FormulaResult.Fail($"the formula needs more than {FormulaEvaluation.MaxSteps:N0} steps for one document; simplify its comprehensions");
        }

        return EvaluateCore(context);
    }

    /// <summary>The source between two offsets, trimmed, and shortened to about 120 characters.</summary>
    public static string Excerpt(string formula, int start, int end)
    {
        var text = formula.AsSpan(start, end - start).Trim();
        return text.Length <= 120 ? text.ToString() : $"{text[..100]}...{text[^15..]}";
    }

    protected abstract FormulaResult EvaluateCore(FormulaContext context);

    /// <summary>Wraps an intermediate value, turning overflow into a reason that names the sub-expression.</summary>
    protected FormulaResult Checked(double value) => Checked(value, Text);

    protected static FormulaResult Checked(double value, string text) =>
        double.IsFinite(value)
            ? FormulaResult.Of(value)
            : FormulaResult.Fail($"\"{text}\" is not a finite number");

    /// <summary>The node's value as a number (a boolean counts 1 or 0), or why it is not one.</summary>
    protected static FormulaResult Numeric(FormulaNode node, FormulaContext context, out double number)
    {
        number = 0;
        var result = node.Evaluate(context);
        if (result.Failed)
        {
            return result;
        }

        if (!result.Value.IsNumeric)
        {
            return FormulaResult.Fail($"\"{node.Text}\" is {result.Value.Describe()}, where a number is needed");
        }

        number = result.Value.Number;
        return result;
    }
}
