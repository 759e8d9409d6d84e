namespace Discernus.Statistics;

/// <summary>
/// <c>total_weighted_score</c>: the sum over every dimension of raw_score × salience. MFT v11's Simpson diversity
/// formula divides by it without defining it; its prose defines it as this total of the salience-weighted scores.
/// </summary>
internal sealed class TotalWeightedScoreNode(string formula, int start, int end, IReadOnlyList<string> dimensions)
    : FormulaNode(formula, start, end, FormulaType.Number)
{
    public IReadOnlyList<string> Dimensions { get; } = dimensions;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var total = 0.0;
        foreach (var dimension in Dimensions)
        {
            var score = DimensionReferenceNode.Read(context, dimension, DimensionValues.RawScoreField);
            if (score.Failed)
            {
                return score;
            }

            var salience = DimensionReferenceNode.Read(context, dimension, DimensionValues.SalienceField);
            if (salience.Failed)
            {
                return salience;
            }

            total += score.Value.Number * salience.Value.Number;
        }

        return Checked(total);
    }
}
