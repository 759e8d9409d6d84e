namespace Discernus.Statistics;

/// <summary>
/// Derived metrics parsed, checked and ordered once (<see cref="DerivedMetricEvaluator.Prepare(Discernus.Experiments.Framework)"/>):
/// an analysis run evaluates the same formulas on every document, and parsing them for each was a few percent of a
/// lexicon run's CPU, and once per record again when the synthesis filters by reliability.
/// </summary>
internal sealed class PreparedDerivedMetrics
{
    private readonly IReadOnlyList<string> _order;
    private readonly IReadOnlyDictionary<string, (DerivedMetricFormula? Formula, DerivedMetricResult? Failure)> _definitions;

    /// <param name="order">The metrics' names in definition order.</param>
    /// <param name="definitions">Each name's parsed formula, or the failure that stands for it (invalid, duplicate, circular).</param>
    internal PreparedDerivedMetrics(IReadOnlyList<string> order, IReadOnlyDictionary<string, (DerivedMetricFormula? Formula, DerivedMetricResult? Failure)> definitions) =>
        (_order, _definitions) = (order, definitions);

    /// <summary>
    /// Every metric for one document, in definition order, each evaluated after those it reads; invalid formulas,
    /// duplicate names and circular references are failures with a reason.
    /// </summary>
    public IReadOnlyDictionary<string, DerivedMetricResult> Evaluate(Func<string, string, double?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var results = new Dictionary<string, DerivedMetricResult>(StringComparer.Ordinal);

        DerivedMetricResult? Resolve(string name)
        {
            if (results.TryGetValue(name, out var done))
            {
                return done;
            }

            if (!_definitions.TryGetValue(name, out var definition))
            {
                return null;
            }

            // Cycles were turned into failures when the metrics were prepared, so this recursion always ends.
            var result = definition.Failure ?? definition.Formula!.Evaluate(lookup, Resolve);
            results[name] = result;
            return result;
        }

        var ordered = new Dictionary<string, DerivedMetricResult>(StringComparer.Ordinal);
        foreach (var name in _order)
        {
            ordered[name] = Resolve(name)!;
        }

        return ordered;
    }
}
