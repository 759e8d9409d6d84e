using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>
/// The settings that decide whether a measurement counts as valid (<c>validation:</c>) and whether the scores are
/// calibrated to the coders of the gold file (<c>calibration:</c>). Both shape the statistics only, never an analysis.
/// </summary>
internal sealed partial class ExperimentReader
{
    private const string ValidationFix = "write e.g. `validation: {min_ratio: 0.8, min_documents: 20, bootstrap_resamples: 1000, seed: 20240601}` (every key optional)";
    private const string CalibrationFix = "write `calibration: gold` (the method chosen by cross-validation), or e.g. `calibration: {method: isotonic, folds: 5, seed: 20240601}` with method auto, linear, isotonic or ridge";

    private static ValiditySettings? ReadValidity(YamlMappingNode root, string file, YamlBlock block, FindingCollector findings)
    {
        if (root.Child("validation") is not { } node || node is YamlScalarNode empty && empty.IsNull())
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            findings.Blocking(FindingCodes.InvalidField, file, "validation", "`validation` must be a mapping", ValidationFix, node, block);
            return null;
        }

        WarnUnknownKeys(map, ["min_ratio", "min_documents", "bootstrap_resamples", "seed"], file, "validation", block, findings);
        var settings = new ValiditySettings();
        if (map.Child("min_ratio") is { } ratioNode)
        {
            if (ratioNode.TryDouble(out var ratio) && ratio is > 0 and <= 2)
            {
                settings = settings with { MinRatio = ratio };
            }
            else
            {
                findings.Blocking(FindingCodes.InvalidField, file, "validation.min_ratio",
                    $"min_ratio must be a number above 0 and at most 2 (the share of the human ceiling's r the model must reach), not '{ratioNode.Flatten()}'", ValidationFix, ratioNode, block);
            }
        }

        settings = settings with
        {
            MinDocuments = ReadWholeNumber(map, "min_documents", 3, 1_000_000, settings.MinDocuments, "validation", file, block, findings, ValidationFix),
            BootstrapResamples = ReadWholeNumber(map, "bootstrap_resamples", 100, 100_000, settings.BootstrapResamples, "validation", file, block, findings, ValidationFix),
            Seed = ReadWholeNumber(map, "seed", 0, int.MaxValue, settings.Seed, "validation", file, block, findings, ValidationFix),
        };
        return settings;
    }

    private static CalibrationSettings? ReadCalibration(YamlMappingNode root, string file, YamlBlock block, FindingCollector findings)
    {
        if (root.Child("calibration") is not { } node || node is YamlScalarNode empty && empty.IsNull())
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value?.Trim().ToLowerInvariant() switch
            {
                "gold" or "true" or "yes" or "on" => new CalibrationSettings(),
                "none" or "false" or "no" or "off" => null,
                _ => Invalid($"`calibration: {scalar.Value}` is not a calibration setting"),
            };
        }

        if (node is not YamlMappingNode map)
        {
            return Invalid("`calibration` must be `gold` or a mapping");
        }

        WarnUnknownKeys(map, ["method", "folds", "seed"], file, "calibration", block, findings);
        var settings = new CalibrationSettings();
        if (map.ChildText("method") is { } method)
        {
            var normalised = method.Trim().ToLowerInvariant();
            if (CalibrationSettings.Methods.Contains(normalised))
            {
                settings = settings with { Method = normalised };
            }
            else
            {
                findings.Blocking(FindingCodes.InvalidField, file, "calibration.method",
                    $"calibration method '{method}' is not one of {string.Join(", ", CalibrationSettings.Methods)}", CalibrationFix, map.Child("method"), block);
            }
        }

        return settings with
        {
            Folds = ReadWholeNumber(map, "folds", 2, 20, settings.Folds, "calibration", file, block, findings, CalibrationFix),
            Seed = ReadWholeNumber(map, "seed", 0, int.MaxValue, settings.Seed, "calibration", file, block, findings, CalibrationFix),
        };

        CalibrationSettings? Invalid(string message)
        {
            findings.Blocking(FindingCodes.InvalidField, file, "calibration", message, CalibrationFix, node, block);
            return null;
        }
    }

    private static int ReadWholeNumber(YamlMappingNode map, string key, int min, int max, int fallback, string parent, string file, YamlBlock block, FindingCollector findings, string fix)
    {
        if (map.Child(key) is not { } node)
        {
            return fallback;
        }

        if (int.TryParse(node.Text(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        findings.Blocking(FindingCodes.InvalidField, file, $"{parent}.{key}",
            $"{key} must be a whole number from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}, not '{node.Flatten()}'", fix, node, block);
        return fallback;
    }

    /// <summary>Calibration learns from the gold file: without one there is nothing to learn from.</summary>
    private static void CheckCalibration(Experiment experiment, string file, FindingCollector findings)
    {
        if (experiment.Calibration is null || experiment.Gold.Count > 0)
        {
            return;
        }

        findings.Blocking(FindingCodes.InvalidField, file, "calibration",
            "calibration maps the model's scores to the coders' scale, but the experiment has no gold file with ratings (components.gold, or gold.csv beside the experiment)",
            "code a sample of documents (e.g. with `discernus serve`) into a gold file, or remove `calibration`");
    }
}
