using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Orchestration;

/// <summary>
/// The VALIDATION stage: the experiment reader's checks plus those that need components above it (derived-metric
/// formulas, model names). Deterministic; never calls a model.
/// </summary>
public static class ExperimentValidator
{
    /// <param name="readDocuments">
    /// False: every check but the documents' content, which the caller then reads once with
    /// <see cref="Provenance.DocumentIntake"/> (into the artifact store) or <see cref="ExperimentReader.ReadDocumentsAsync"/>.
    /// </param>
    public static ValidationReport Validate(string path, ExperimentLimits limits, CancellationToken cancellationToken = default, bool readDocuments = true)
    {
        var report = new ExperimentReader(limits) { ReadsDocuments = readDocuments }.Read(path, cancellationToken);
        if (report.Experiment is not { } experiment)
        {
            return report;
        }

        var findings = report.Findings.ToList();
        var framework = experiment.Framework;
        var file = Path.GetRelativePath(experiment.Directory, framework.FilePath);
        var issues = DerivedMetricEvaluator.Check(framework.DerivedMetrics.Select(m => (m.Name, m.Formula)), framework.Dimensions.Select(d => d.Name).ToList());
        foreach (var issue in issues)
        {
            findings.Add(new ValidationFinding
            {
                Severity = issue.IsError ? FindingSeverity.Blocking : FindingSeverity.Warning,
                Code = FindingCodes.DerivedMetricInvalid,
                File = file,
                Field = $"derived_metrics.{issue.MetricName}",
                Message = issue.Message,
                Fix = issue.IsError
                    ? "correct the formula: arithmetic over dimensions.<name>.raw_score|salience|confidence (or dimensional_scores.<name>.<field>) and other derived metrics by name, with + - * / ( ) abs min max sqrt"
                    : "use one of the framework's dimension names, or remove the metric (it will be null with this reason)",
            });
        }

        foreach (var model in experiment.Models)
        {
            if (ModelNameCheck.Problem(model) is { } problem)
            {
                findings.Add(new ValidationFinding
                {
                    Severity = FindingSeverity.Blocking,
                    Code = FindingCodes.InvalidField,
                    File = Path.GetRelativePath(experiment.Directory, experiment.ExperimentFilePath),
                    Field = "models",
                    Message = problem,
                    Fix = "use lexicon, openai/<model>, anthropic/<model>, gemini/<model>, openrouter/<model>, ollama/<model> or openai-compatible/<model>",
                });
            }
        }

        var blocking = findings.Any(f => f.Severity == FindingSeverity.Blocking);
        return report with { Findings = findings, Experiment = blocking ? null : experiment };
    }

    /// <summary>A report validated without its documents' content, completed with the findings of their one read.</summary>
    public static ValidationReport WithDocumentFindings(ValidationReport report, IReadOnlyList<ValidationFinding> documentFindings)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(documentFindings);
        if (documentFindings.Count == 0)
        {
            return report;
        }

        var blocking = documentFindings.Any(f => f.Severity == FindingSeverity.Blocking);
        return report with { Findings = [.. report.Findings, .. documentFindings], Experiment = blocking ? null : report.Experiment };
    }
}
