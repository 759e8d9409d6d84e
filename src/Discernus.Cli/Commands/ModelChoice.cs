using Discernus.Experiments;
using Discernus.Provenance;

namespace Discernus.Cli.Commands;

/// <summary>The model is <c>--model</c>, else the experiment's <c>models</c>, else <c>DISCERNUS_MODEL</c>, else <c>lexicon</c>.</summary>
internal static class ModelChoice
{
    public static ManifestModels Resolve(string? flag, Experiment experiment, CliEnvironment environment)
    {
        var (names, source) = !string.IsNullOrWhiteSpace(flag) ? ([flag.Trim()], "flag")
            : experiment.Models.Count > 0 ? (experiment.Models.ToArray(), "experiment")
            : environment["DISCERNUS_MODEL"] is { } env ? ([env.Trim()], "environment")
            : (new[] { "lexicon" }, "default");
        return new ManifestModels
        {
            Names = names,
            Source = source,
            RunsPerModel = experiment.RunsPerModel,
            AnalysisVariant = experiment.AnalysisVariant,
            OfflineBaseline = names.All(n => n == "lexicon"),
        };
    }
}
