using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>The experiment settings that shape the statistics rather than the analysis: filtering thresholds, gold file.</summary>
public sealed partial class ExperimentReader
{
    /// <summary>Reads the optional human-coding file (<c>components.gold</c>, or <c>gold</c> in the alpha layout).</summary>
    private (string? Path, IReadOnlyList<GoldRating> Ratings) ReadGold(string directory, string file, YamlMappingNode? map, string field,
        YamlBlock block, FindingCollector findings)
    {
        var node = map.Child("gold");
        if (node.Text() is not { } relative || string.IsNullOrWhiteSpace(relative))
        {
            return (null, []);
        }

        var path = ResolveInside(directory, relative, file, field, findings, node, block, expectDirectory: false);
        var text = path is null ? null : ReadSpecificationFile(path, findings);
        if (path is null || text is null)
        {
            return (null, []);
        }

        var (ratings, problems) = GoldFile.Parse(text);
        foreach (var problem in problems.Take(20))
        {
            findings.Blocking(FindingCodes.InvalidGoldFile, path, null, problem.Message,
                "one row per coder, document and dimension: document_id,dimension,score,coder with the score from 0 to 1",
                problem.Line == 0 ? null : problem.Line);
        }

        if (problems.Count == 0 && ratings.Count == 0)
        {
            findings.Warning(FindingCodes.InvalidGoldFile, path, null, "the gold file has a header but no ratings; no agreement with human coders is computed",
                "add rows document_id,dimension,score,coder, or remove `gold` from the experiment");
        }

        return (path, ratings);
    }

    /// <summary>Gold rows about documents or dimensions the experiment does not have are compared with nothing.</summary>
    private static void CheckGold(Experiment experiment, FindingCollector findings)
    {
        if (experiment.GoldPath is not { } path || experiment.Gold.Count == 0)
        {
            return;
        }

        var documents = experiment.Corpus.Documents.Select(d => d.DocumentId).ToHashSet(StringComparer.Ordinal);
        var dimensions = experiment.Framework.Dimensions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var unknownDocuments = experiment.Gold.Select(g => g.DocumentId).Where(d => !documents.Contains(d)).Distinct(StringComparer.Ordinal).ToList();
        if (unknownDocuments.Count > 0)
        {
            findings.Warning(FindingCodes.InvalidGoldFile, path, "document_id",
                $"{unknownDocuments.Count} document_id(s) in the gold file are not in the corpus and are ignored: {string.Join(", ", unknownDocuments.Take(5))}{(unknownDocuments.Count > 5 ? ", ..." : "")}",
                "use the corpus manifest's document_id values");
        }

        var unknownDimensions = experiment.Gold.Select(g => g.Dimension).Where(d => !dimensions.Contains(d)).Distinct(StringComparer.Ordinal).ToList();
        if (unknownDimensions.Count > 0)
        {
            findings.Warning(FindingCodes.InvalidGoldFile, path, "dimension",
                $"dimension(s) {string.Join(", ", unknownDimensions.Take(5))} in the gold file are not in the framework and are ignored",
                $"use the framework's dimension names: {string.Join(", ", dimensions)}");
        }
    }

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
        CheckGold(experiment, findings);
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
