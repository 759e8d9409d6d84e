using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>The experiment settings that shape the statistics rather than the analysis: filtering thresholds.</summary>
public sealed partial class ExperimentReader
{
    private static AdvancedFiltering? ReadAdvancedFiltering(YamlMappingNode root, string file, YamlBlock block, FindingCollector findings)
    {
        if (root.ChildMap("advanced_filtering") is not { } map)
        {
            return null;
        }

        var thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
        if (map.Child("dimension_specific_thresholds") is YamlMappingNode perDimension)
        {
            foreach (var (key, value) in perDimension.Children)
            {
                if (key.Text() is not { } dimension)
                {
                    continue;
                }

                if (value.TryDouble(out var threshold) && threshold is >= 0 and <= 1)
                {
                    thresholds[dimension] = threshold;
                }
                else
                {
                    findings.Blocking(FindingCodes.InvalidField, file, $"advanced_filtering.dimension_specific_thresholds.{dimension}",
                        $"the threshold of '{dimension}' must be a number from 0 to 1, not '{value.Flatten()}'",
                        $"write e.g. `{dimension}: 0.3` (the minimum salience for that dimension)", value, block);
                }
            }
        }

        return new AdvancedFiltering(
            thresholds,
            ReadStringList(map, "exclude_dimensions", file, block, findings),
            ReadStringList(map, "include_dimensions", file, block, findings));
    }

    /// <summary>Filtering settings that name dimensions the framework does not define would silently do nothing.</summary>
    private static void CheckFilteringDimensions(Experiment experiment, string file, FindingCollector findings)
    {
        if (experiment.AdvancedFiltering is not { } filtering)
        {
            return;
        }

        var known = experiment.Framework.Dimensions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var named = filtering.DimensionSpecificThresholds.Keys.Select(d => ("dimension_specific_thresholds", d))
            .Concat(filtering.ExcludeDimensions.Select(d => ("exclude_dimensions", d)))
            .Concat(filtering.IncludeDimensions.Select(d => ("include_dimensions", d)));
        foreach (var (field, dimension) in named.Where(x => !known.Contains(x.Item2)))
        {
            findings.Warning(FindingCodes.UnknownDimension, file, $"advanced_filtering.{field}",
                $"'{dimension}' is not a dimension of the framework (it has: {string.Join(", ", known)}); this setting has no effect",
                "use one of the framework's dimension names");
        }
    }
}
