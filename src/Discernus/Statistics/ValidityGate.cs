using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// What every number of a run rests on: the validity status of each variable — a dimension's own status, a derived
/// metric's the weakest of the dimensions its formula reads (through other derived metrics too) — so that a test, a
/// correlation or a verdict on a not-validated measurement is marked as such and never phrased as a finding.
/// </summary>
internal sealed class ValidityGate
{
    private readonly Dictionary<string, string> _status;
    private readonly Dictionary<string, string> _notes;

    private ValidityGate(Dictionary<string, string> status, Dictionary<string, string> notes)
    {
        _status = status;
        _notes = notes;
    }

    /// <param name="validity">Null without a gold file: every variable is unvalidated.</param>
    public static ValidityGate For(ValiditySummary? validity, IReadOnlyList<string> dimensionNames, IReadOnlyList<DerivedMetric> derivedMetrics)
    {
        ArgumentNullException.ThrowIfNull(dimensionNames);
        ArgumentNullException.ThrowIfNull(derivedMetrics);
        var status = new Dictionary<string, string>(StringComparer.Ordinal);
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dimension in dimensionNames)
        {
            var judged = validity?.Dimension(dimension);
            status[dimension] = judged?.Status ?? ValidityStatus.Unvalidated;
            if (judged is { Status: ValidityStatus.NotValidated })
            {
                notes[dimension] = $"{dimension} not validated: {judged.Reason}";
            }
        }

        var names = derivedMetrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var formulas = derivedMetrics.ToDictionary(
            m => m.Name,
            m => DerivedMetricEvaluator.TryParse(m.Formula, FormulaNames.Of(dimensionNames, names), out var formula, out _) ? formula : null,
            StringComparer.Ordinal);
        foreach (var metric in derivedMetrics)
        {
            var dimensions = DimensionsOf(metric.Name, formulas, []);
            status[metric.Name] = dimensions is null
                ? ValidityStatus.Unvalidated
                : ValidityStatus.Combine(dimensions.Select(d => status.GetValueOrDefault(d, ValidityStatus.Unvalidated)));
            var failing = dimensions?.Where(notes.ContainsKey).ToList() ?? [];
            if (failing.Count > 0)
            {
                notes[metric.Name] = string.Join("; ", failing.Select(d => notes[d]));
            }
        }

        return new ValidityGate(status, notes);
    }

    /// <summary>
    /// The statistics with their validity: the summary, every variable's status, and each hypothesis verdict that rests
    /// on a not-validated variable left undecided (indeterminate), with what the test alone would have said kept in its
    /// reason — a verdict is a finding, and a measurement not shown to measure what people see cannot carry one.
    /// </summary>
    public static CorpusStatistics Apply(CorpusStatistics statistics, ValiditySummary? validity, IReadOnlyList<DerivedMetric> derivedMetrics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var gate = For(validity, statistics.Dimensions.Select(d => d.Name).ToList(), derivedMetrics);
        var inference = statistics.Inference is { } tests
            ? tests with
            {
                GroupTests = tests.GroupTests.Select(t => t with { Validity = gate.StatusOf(t.Variable) }).ToList(),
                Correlations = tests.Correlations.Select(c => c with { Validity = gate.StatusOf(c.First, c.Second) }).ToList(),
                Confirmatory = tests.Confirmatory.Select(c => c with { Validity = gate.StatusOf(Variables(c)) }).ToList(),
            }
            : null;
        return statistics with
        {
            Validity = validity,
            VariableValidity = gate.Statuses,
            Inference = inference,
            Hypotheses = statistics.Hypotheses.Select(v => gate.Gate(v, inference)).ToList(),
        };
    }

    private HypothesisVerdict Gate(HypothesisVerdict verdict, InferenceSummary? inference)
    {
        var variables = inference?.Confirmatory.FirstOrDefault(c => c.Hypothesis == verdict.Id) is { } test ? Variables(test) : [];
        var status = variables.Length == 0 ? ValidityStatus.Unvalidated : StatusOf(variables);
        if (status != ValidityStatus.NotValidated)
        {
            return verdict with { Validity = status };
        }

        var alone = verdict.Verdict == HypothesisVerdict.Indeterminate ? "" : $"; the test alone would say {verdict.Verdict.Replace('_', ' ')}";
        return verdict with
        {
            Verdict = HypothesisVerdict.Indeterminate,
            TestVerdict = verdict.Verdict,
            Validity = status,
            Reason = $"not decided: the measurement is not validated ({NoteOf(variables)}){alone}: {verdict.Reason}",
        };
    }

    /// <summary>The variables a confirmatory test reads.</summary>
    private static string[] Variables(ConfirmatoryTestResult test) =>
        test.CorrelatesWith is { } other ? [test.Variable, other] : [test.Variable];

    /// <summary>Every variable with its status, dimensions first, in the framework's order.</summary>
    public IReadOnlyDictionary<string, string> Statuses => _status;

    /// <summary>validated, not_validated or unvalidated; unvalidated for a name the framework does not have.</summary>
    public string StatusOf(string variable) => _status.GetValueOrDefault(variable, ValidityStatus.Unvalidated);

    /// <summary>The weakest status of the variables a number rests on.</summary>
    public string StatusOf(params string[] variables) => ValidityStatus.Combine(variables.Select(StatusOf));

    /// <summary>Why the numbers on these variables are not findings (each not-validated dimension with its numbers), or null when none is not validated.</summary>
    public string? NoteOf(params string[] variables)
    {
        var notes = variables.Select(v => _notes.GetValueOrDefault(v)).OfType<string>().SelectMany(n => n.Split("; ")).Distinct(StringComparer.Ordinal).ToList();
        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    /// <summary>The dimensions a derived metric reads, through the metrics it reads; null when a formula does not parse or loops.</summary>
    private static HashSet<string>? DimensionsOf(string metric, IReadOnlyDictionary<string, DerivedMetricFormula?> formulas, HashSet<string> visiting)
    {
        if (!formulas.TryGetValue(metric, out var formula) || formula is null || !visiting.Add(metric))
        {
            return null;
        }

        var dimensions = new HashSet<string>(formula.ReferencedDimensions, StringComparer.Ordinal);
        foreach (var other in formula.ReferencedDerivedMetrics)
        {
            if (DimensionsOf(other, formulas, visiting) is not { } nested)
            {
                return null;
            }

            dimensions.UnionWith(nested);
        }

        visiting.Remove(metric);
        return dimensions;
    }
}
