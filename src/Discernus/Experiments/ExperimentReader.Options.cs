using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>The options of an experiment file: budget, models, runs, filtering, validity, calibration, hypotheses.</summary>
internal sealed partial class ExperimentReader
{
    /// <summary>Reads the optional settings both layouts share into an otherwise empty experiment.</summary>
    private static Experiment ReadOptions(YamlMappingNode root, string file, YamlBlock block, FindingCollector findings)
    {
        var models = ReadStringList(root, "models", file, block, findings);
        var runsPerModel = 1;
        if (root.Child("runs_per_model") is { } runsNode)
        {
            if (!int.TryParse(runsNode.Text(), NumberStyles.Integer, CultureInfo.InvariantCulture, out runsPerModel) || runsPerModel < 1 || runsPerModel > 100)
            {
                findings.Blocking(FindingCodes.InvalidField, file, "runs_per_model", $"runs_per_model must be a whole number from 1 to 100, not '{runsNode.Flatten()}'",
                    "set `runs_per_model: 1` (or more for reliability studies)", runsNode, block);
                runsPerModel = 1;
            }
        }

        var variant = root.ChildText("analysis_variant") ?? "default";
        decimal? maxCost = null;
        if (root.ChildMap("budget") is { } budget && budget.Child("max_cost_usd") is { } costNode)
        {
            if (decimal.TryParse(costNode.Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var cost) && cost >= 0)
            {
                maxCost = cost;
            }
            else
            {
                findings.Blocking(FindingCodes.InvalidField, file, "budget.max_cost_usd", $"max_cost_usd must be a non-negative number, not '{costNode.Flatten()}'",
                    "write e.g. `budget: {max_cost_usd: 5.00}`", costNode, block);
            }
        }

        var mode = "interactive";
        if (root.Child("mode") is { } modeNode)
        {
            if (modeNode.Text() is "interactive" or "batch")
            {
                mode = modeNode.Text()!;
            }
            else
            {
                findings.Blocking(FindingCodes.InvalidField, file, "mode", $"mode must be interactive or batch, not '{modeNode.Flatten()}'",
                    "write `mode: batch` to send the analyses through the provider's batch API (half the price, results within 24 h), or remove it", modeNode, block);
            }
        }

        var hypotheses = new List<Hypothesis>();
        if (root.ChildMap("hypotheses") is { } hypothesisMap)
        {
            // Also written as a mapping of id to description.
            hypotheses.AddRange(hypothesisMap.Children.Select(kv => new Hypothesis(kv.Key.Text() ?? "H", kv.Value.Flatten())));
        }
        else if (root.ChildList("hypotheses") is { } hypothesisList)
        {
            var index = 1;
            foreach (var item in hypothesisList.Children)
            {
                if (item is YamlMappingNode map)
                {
                    var id = map.ChildText("id") ?? $"H{index}";
                    hypotheses.Add(new Hypothesis(id, map.ChildText("description") ?? map.Flatten())
                    {
                        Test = ReadHypothesisTest(map.Child("test"), $"hypotheses.{id}.test", file, block, findings),
                    });
                }
                else if (item.Text() is { } text)
                {
                    hypotheses.Add(new Hypothesis($"H{index}", text));
                }

                index++;
            }
        }

        return new Experiment
        {
            Name = string.Empty,
            Directory = string.Empty,
            Layout = ExperimentLayout.V10,
            ExperimentFilePath = file,
            Framework = null!,
            Corpus = null!,
            Models = models,
            RunsPerModel = runsPerModel,
            AnalysisVariant = variant,
            MaxCostUsd = maxCost,
            Mode = mode,
            Grouping = ReadStringList(root, "grouping", file, block, findings),
            Hypotheses = hypotheses,
            ReliabilityFiltering = ReadReliability(root, file, block, findings),
            AdvancedFiltering = ReadAdvancedFiltering(root, file, block, findings),
            Validation = ReadValidity(root, file, block, findings),
            Calibration = ReadCalibration(root, file, block, findings),
        };
    }

    private static ReliabilityFiltering? ReadReliability(YamlMappingNode root, string file, YamlBlock block, FindingCollector findings)
    {
        if (root.ChildMap("reliability_filtering") is not { } map)
        {
            return null;
        }

        double? Threshold(string key)
        {
            var node = map.Child(key);
            if (node is null)
            {
                return null;
            }

            if (node.TryDouble(out var value) && value is >= 0 and <= 1)
            {
                return value;
            }

            findings.Blocking(FindingCodes.InvalidField, file, $"reliability_filtering.{key}", $"{key} must be a number from 0 to 1, not '{node.Flatten()}'",
                $"write e.g. `{key}: 0.5`", node, block);
            return null;
        }

        var calculation = map.ChildText("reliability_calculation");
        if (calculation is not null && calculation is not ("confidence_x_salience" or "confidence" or "salience"))
        {
            findings.Blocking(FindingCodes.InvalidField, file, "reliability_filtering.reliability_calculation",
                $"reliability_calculation '{calculation}' is not one of confidence_x_salience, confidence, salience",
                "use `reliability_calculation: confidence_x_salience`", map.Child("reliability_calculation"), block);
        }

        return new ReliabilityFiltering(Threshold("salience_threshold"), Threshold("confidence_threshold"), Threshold("reliability_threshold"), calculation);
    }

    private static IReadOnlyList<string> ReadStringList(YamlMappingNode root, string key, string file, YamlBlock block, FindingCollector findings)
    {
        var node = root.Child(key);
        switch (node)
        {
            case null:
                return [];
            case YamlScalarNode scalar when !scalar.IsNull():
                return [scalar.Value!];
            case YamlScalarNode:
                return [];
            case YamlSequenceNode list when list.Children.All(c => c.Text() is not null):
                return list.Children.Select(c => c.Text()!).ToArray();
            default:
                findings.Blocking(FindingCodes.InvalidField, file, key, $"`{key}` must be a list of names",
                    $"write e.g. `{key}: [first, second]`", node, block);
                return [];
        }
    }
}
