namespace Discernus.Statistics;

/// <summary>
/// A per-dimension field the framework asks models for (its <c>output_schema</c> declares it, as MFT v11 declares
/// <c>scope_breadth</c>) but which Discernus does not record: never a value, and validation says so once.
/// </summary>
internal sealed class UnrecordedFieldNode(string formula, int start, int end, string field) : FormulaNode(formula, start, end, FormulaType.Number)
{
    public string Field { get; } = field;

    /// <summary>Why a formula that reads the field has no value.</summary>
    public static string Reason(string field) =>
        $"it reads '{field}', which the framework's output_schema declares but Discernus does not record (it records raw_score, salience and confidence)";

    protected override FormulaResult EvaluateCore(FormulaContext context) => FormulaResult.Fail(Reason(Field));
}
