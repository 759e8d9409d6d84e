using Discernus.Experiments;
using Discernus.Models;
using Discernus.Statistics;

namespace Discernus.Orchestration;

/// <summary>
/// The VALIDATION stage: the experiment reader's checks plus those that need components above it (derived-metric
/// formulas, model names). Deterministic; never calls a model.
/// </summary>
internal static class ExperimentValidator
{
    /// <param name="readDocuments">
    /// False: every check but the documents' content, which the caller then reads once with
    /// <see cref="Provenance.DocumentIntake"/> (into the artifact store) or <see cref="ExperimentReader.ReadDocumentsAsync"/>.
    /// </param>
    public static ValidationReport Validate(string path, ExperimentLimits limits, CancellationToken cancellationToken = default, bool readDocuments = true)
    {
        var report = new ExperimentReader(limits) { ReadsDocuments = readDocuments }.Read(path, cancellationToken);
        var findings = report.Findings.ToList();
        // Checked whatever else blocks, so a bad formula shows together with a missing file (one pass).
        if (report.Framework is { } framework)
        {
            var file = Path.GetRelativePath(report.ExperimentPath, framework.FilePath);
            foreach (var issue in DerivedMetricEvaluator.Check(framework.DerivedMetrics.Select(m => (m.Name, m.Formula)), FormulaNames.Of(framework)))
            {
                findings.Add(new ValidationFinding
                {
                    Severity = issue.IsError ? FindingSeverity.Blocking : FindingSeverity.Warning,
                    Code = issue.Code,
                    File = file,
                    Field = $"derived_metrics.{issue.MetricName}",
                    Message = issue.Message,
                    Fix = issue.Code switch
                    {
                        FindingCodes.FormulaTooLarge =>
                            $"keep a formula under {FormulaParser.MaxTerms:N0} terms and {FormulaParser.MaxDepth} levels of nesting: split it into derived metrics that read each other by name, or sum a comprehension over all_dimensions",
                        FindingCodes.DerivedMetricWithoutValue =>
                            "rewrite the formula to give a number from raw_score, salience or confidence, or remove the metric (it stays in the results with no value and this reason)",
                        _ => "correct the formula: names of the framework's dimensions (dimensions.<name>.raw_score|salience|confidence) and derived metrics, numbers, + - * / ** ( ), lists and comprehensions over all_dimensions, and the functions in docs/authoring.md section 5",
                    },
                });
            }
        }

        var experimentFile = report.ExperimentFilePath is { } experimentPath ? Path.GetRelativePath(report.ExperimentPath, experimentPath) : "experiment.md";
        foreach (var model in report.Models)
        {
            if (ModelNameCheck.Problem(model) is { } problem)
            {
                findings.Add(new ValidationFinding
                {
                    Severity = FindingSeverity.Blocking,
                    Code = FindingCodes.InvalidField,
                    File = experimentFile,
                    Field = "models",
                    Message = problem,
                    Fix = $"use {string.Join(", ", ModelName.ValidForms.SkipLast(1))} or {ModelName.ValidForms[^1]}",
                });
            }
        }

        var blocking = findings.Any(f => f.Severity == FindingSeverity.Blocking);
        return report with { Findings = findings, Experiment = blocking ? null : report.Experiment };
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
