using Discernus.Experiments;
using Discernus.Provenance;

namespace Discernus.Cli.Commands;

/// <summary>The full pipeline run (issue: the rails). Until the Orchestrator lands this says so plainly.</summary>
internal static class RunPipeline
{
    public static Task<int> ExecuteAsync(CliContext context, ValidationReport report, ManifestModels models, int? concurrency, CancellationToken cancellationToken)
    {
        _ = (report, models, concurrency, cancellationToken);
        context.Error.WriteLine("error: the full pipeline (batch analysis, synthesis, report) is not built yet in this version; use `discernus run --dry-run <experiment>` to validate and set up a run folder.");
        return Task.FromResult(ExitCodes.Failure);
    }
}
