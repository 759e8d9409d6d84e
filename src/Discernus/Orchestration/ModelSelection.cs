using Discernus.Experiments;
using Discernus.Models;
using Discernus.Provenance;

namespace Discernus.Orchestration;

/// <summary>
/// The one rule for a run's models: <c>--model</c>, else the experiment's <c>models</c>, else <c>DISCERNUS_MODEL</c>, else <c>lexicon</c>;
/// and a hosted model is checked for its key and URL before anything is set up.
/// </summary>
internal static class ModelSelection
{
    public static ManifestModels Resolve(string? flag, Experiment experiment, DiscernusSettings settings)
    {
        var configured = settings.DefaultModel;
        var (names, source) = !string.IsNullOrWhiteSpace(flag) ? (flag.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "flag")
            : experiment.Models.Count > 0 ? (experiment.Models.ToArray(), "experiment")
            : !string.IsNullOrWhiteSpace(configured) ? ([configured.Trim()], "environment")
            : (new[] { ModelName.LexiconName }, "default");
        // The same model twice would analyse every document twice under one name; runs_per_model is the way to repeat.
        names = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        return new ManifestModels
        {
            Names = names,
            Source = source,
            RunsPerModel = experiment.RunsPerModel,
            AnalysisVariant = experiment.AnalysisVariant,
            OfflineBaseline = names.All(ModelName.IsOffline),
        };
    }

    /// <summary>The run request option that carries <c>--runs</c> (runs per model) from the CLI to the Orchestrator.</summary>
    public const string RunsOption = "runs_per_model";

    /// <summary>Applies <c>--runs</c> from a run request's options; an absent or malformed value keeps the experiment's.</summary>
    public static ManifestModels WithRuns(ManifestModels models, IReadOnlyDictionary<string, string>? options) =>
        options?.GetValueOrDefault(RunsOption) is { } text
        && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var runs)
        && runs is >= 1 and <= 100
            ? models with { RunsPerModel = runs }
            : models;

    /// <summary>Problems that would stop the first model call (unknown provider, missing key or base URL), one per model.</summary>
    public static IReadOnlyList<string> Preflight(IEnumerable<string> models, ModelSettings settings)
    {
        var problems = new List<string>();
        using var gateway = new ModelGateway(settings);
        // Offline models need no key or URL; the host that runs them registers them (see HostOptions.OfflineModels).
        foreach (var model in models.Where(m => !ModelName.IsOffline(m)))
        {
            try
            {
                gateway.CreateClient(model).Dispose();
            }
            catch (Exception ex) when (ex is ModelConfigurationException or ArgumentException or FormatException)
            {
                problems.Add($"model '{model}': {ex.Message}");
            }
        }

        return problems;
    }
}

internal static class ModelNameCheck
{
    public static string? Problem(string model) => ModelName.TryParse(model, out _, out var error) ? null : error;
}
