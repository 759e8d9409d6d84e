using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>Parses and evaluates a framework's <c>derived_metrics</c> formulas deterministically, in code.</summary>
internal static class DerivedMetricEvaluator
{
    /// <summary>Parses a formula without checking its names against a framework (any name reads a dimension).</summary>
    /// <exception cref="DerivedMetricException">The formula is not valid; the message names the column and what was expected.</exception>
    /// <param name="derivedMetricNames">The framework's derived metrics; a bare name among them reads that metric.</param>
    public static DerivedMetricFormula Parse(string formula, IReadOnlySet<string>? derivedMetricNames = null) =>
        Parse(formula, derivedMetricNames is null ? FormulaNames.Unchecked : FormulaNames.Unchecked with { DerivedMetrics = derivedMetricNames });

    /// <summary>Parses a formula and resolves its names; with the framework's dimensions an unknown name is an error.</summary>
    /// <exception cref="DerivedMetricException">The formula is not valid; the message names the column and what was expected.</exception>
    public static DerivedMetricFormula Parse(string formula, FormulaNames names)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(names);
        return new DerivedMetricFormula(formula, FormulaBinder.Bind(formula, FormulaParser.Parse(formula), names));
    }

    /// <summary>Parses a formula without throwing; <paramref name="error"/> holds the message when it fails.</summary>
    public static bool TryParse(string formula, out DerivedMetricFormula? result, out string? error) =>
        TryParse(formula, FormulaNames.Unchecked, out result, out error);

    /// <summary>Parses a formula without throwing; <paramref name="error"/> holds the message when it fails.</summary>
    public static bool TryParse(string formula, IReadOnlySet<string>? derivedMetricNames, out DerivedMetricFormula? result, out string? error) =>
        TryParse(formula, derivedMetricNames is null ? FormulaNames.Unchecked : FormulaNames.Unchecked with { DerivedMetrics = derivedMetricNames }, out result, out error);

    /// <summary>Parses a formula without throwing; <paramref name="error"/> holds the message when it fails.</summary>
    public static bool TryParse(string formula, FormulaNames names, out DerivedMetricFormula? result, out string? error)
    {
        try
        {
            result = Parse(formula, names);
            error = null;
            return true;
        }
        catch (DerivedMetricException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Evaluates a framework's derived metrics for one document, with every name checked against the framework.</summary>
    public static IReadOnlyDictionary<string, DerivedMetricResult> EvaluateAll(Framework framework, Func<string, string, double?> lookup)
    {
        ArgumentNullException.ThrowIfNull(framework);
        return EvaluateAll(framework.DerivedMetrics.Select(m => (m.Name, m.Formula)), FormulaNames.Of(framework), lookup);
    }

    public static IReadOnlyDictionary<string, DerivedMetricResult> EvaluateAll(
        IEnumerable<DerivedMetric> metrics,
        Func<string, string, double?> lookup)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return EvaluateAll(metrics.Select(m => (m.Name, m.Formula)), lookup);
    }

    /// <summary>Evaluates metrics without the framework's dimensions: any name reads a dimension (see <see cref="FormulaNames.Unchecked"/>).</summary>
    public static IReadOnlyDictionary<string, DerivedMetricResult> EvaluateAll(
        IEnumerable<(string Name, string Formula)> metrics,
        Func<string, string, double?> lookup) =>
        EvaluateAll(metrics, null, lookup);

    /// <summary>
    /// Evaluates every metric for one document; results are listed in definition order, and each metric is evaluated
    /// after those it reads (dependency order). A metric may read another through <c>derived_metrics.&lt;name&gt;</c>
    /// or its bare name, regardless of the order they are listed in. Invalid formulas,
    /// duplicate names and circular references become failures with a reason; nothing throws.
    /// </summary>
    /// <param name="names">The framework's names; null to check none (the metrics' own names are always known).</param>
    public static IReadOnlyDictionary<string, DerivedMetricResult> EvaluateAll(
        IEnumerable<(string Name, string Formula)> metrics,
        FormulaNames? names,
        Func<string, string, double?> lookup) =>
        Prepare(metrics, names).Evaluate(lookup);

    /// <summary>A framework's derived metrics parsed and checked once, for evaluating them on every document of a run.</summary>
    public static PreparedDerivedMetrics Prepare(Framework framework)
    {
        ArgumentNullException.ThrowIfNull(framework);
        return Prepare(framework.DerivedMetrics.Select(m => (m.Name, m.Formula)), FormulaNames.Of(framework));
    }

    /// <summary>Metrics parsed and checked once (see <see cref="EvaluateAll(IEnumerable{ValueTuple{string, string}}, FormulaNames?, Func{string, string, double?})"/>).</summary>
    public static PreparedDerivedMetrics Prepare(IEnumerable<(string Name, string Formula)> metrics, FormulaNames? names)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var definitions = Prepare(metrics, names, out var order);
        return new PreparedDerivedMetrics(order, definitions.ToDictionary(kv => kv.Key, kv => (kv.Value.Formula, kv.Value.Failure), StringComparer.Ordinal));
    }

    /// <summary>
    /// Checks a framework's derived metrics without any document: syntax, duplicate names, circular references, and
    /// references to names the framework does not define (errors, wherever they appear). A formula that is valid but
    /// can never give a number (a text, a field Discernus does not record) is a warning: the metric will have no value.
    /// </summary>
    public static IReadOnlyList<DerivedMetricIssue> Check(
        IEnumerable<(string Name, string Formula)> metrics,
        IReadOnlyCollection<string> dimensionNames) =>
        Check(metrics, FormulaNames.Of(dimensionNames.ToList(), metrics.Select(m => m.Name)));

    /// <inheritdoc cref="Check(IEnumerable{ValueTuple{string, string}}, IReadOnlyCollection{string})"/>
    public static IReadOnlyList<DerivedMetricIssue> Check(IEnumerable<(string Name, string Formula)> metrics, FormulaNames names)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(names);

        var issues = new List<DerivedMetricIssue>();
        var definitions = Prepare(metrics, names, out var order);
        var dimensionNames = names.Dimensions ?? [];
        foreach (var name in order)
        {
            var definition = definitions[name];
            if (definition.Failure is not null)
            {
                issues.Add(new DerivedMetricIssue(name, definition.Failure.Reason!, IsError: true) { Code = definition.Code });
            }

            if (dimensionNames.Contains(name))
            {
                // A bare name in a formula reads the derived metric of that name, so a dimension could no longer be read.
                issues.Add(new DerivedMetricIssue(
                    name,
                    $"derived metric '{name}' has the name of a dimension, so a formula that writes '{name}' would be ambiguous; rename the metric",
                    IsError: true));
            }

            if (definition.Formula?.NoValueReason is { } reason)
            {
                issues.Add(new DerivedMetricIssue(
                    name,
                    $"derived metric '{name}' will have no value: {reason}",
                    IsError: false)
                { Code = FindingCodes.DerivedMetricWithoutValue });
            }
        }

        return issues;
    }

    private static Dictionary<string, Definition> Prepare(
        IEnumerable<(string Name, string Formula)> metrics,
        FormulaNames? names,
        out List<string> order)
    {
        var definitions = new Dictionary<string, Definition>(StringComparer.Ordinal);
        var all = metrics.ToList();
        var metricNames = all.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var resolved = (names ?? FormulaNames.Unchecked) with { DerivedMetrics = metricNames };
        order = [];
        foreach (var (name, formula) in all)
        {
            if (definitions.ContainsKey(name))
            {
                definitions[name] = new Definition(
                    null,
                    DerivedMetricResult.Failure($"derived metric '{name}' is defined more than once; give each a unique name"));
                continue;
            }

            order.Add(name);
            if (string.IsNullOrWhiteSpace(formula))
            {
                definitions[name] = new Definition(null, DerivedMetricResult.Failure($"derived metric '{name}' has no formula"));
            }
            else
            {
                try
                {
                    definitions[name] = new Definition(Parse(formula, resolved), null);
                }
                catch (DerivedMetricException e)
                {
                    definitions[name] = new Definition(null, DerivedMetricResult.Failure(e.Message)) { Code = e.Code };
                }
            }
        }

        MarkCycles(definitions, order);
        return definitions;
    }

    private static void MarkCycles(Dictionary<string, Definition> definitions, List<string> order)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var stack = new List<string>();

        void Visit(string name)
        {
            if (finished.Contains(name) || !definitions.TryGetValue(name, out var definition) || definition.Formula is null)
            {
                return;
            }

            var onStack = stack.IndexOf(name);
            if (onStack >= 0)
            {
                var members = stack.Skip(onStack).ToList();
                var path = string.Join(" -> ", members.Select(m => $"derived_metrics.{m}").Append($"derived_metrics.{name}"));
                foreach (var member in members.Where(m => definitions[m].Failure is null))
                {
                    definitions[member] = definitions[member] with
                    {
                        Failure = DerivedMetricResult.Failure($"circular reference: {path}; a derived metric cannot depend on itself"),
                    };
                }

                return;
            }

            stack.Add(name);
            foreach (var next in definition.Formula.ReferencedDerivedMetrics)
            {
                Visit(next);
            }

            stack.RemoveAt(stack.Count - 1);
            finished.Add(name);
        }

        foreach (var name in order)
        {
            Visit(name);
        }
    }

    private sealed record Definition(DerivedMetricFormula? Formula, DerivedMetricResult? Failure)
    {
        public string Code { get; init; } = FindingCodes.DerivedMetricInvalid;
    }
}
