using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>The experiment settings that shape the statistics rather than the analysis: filtering thresholds, gold file.</summary>
internal sealed partial class ExperimentReader
{
    /// <summary>Reads the optional human-coding file (<c>components.gold</c>, or <c>gold</c> in the alpha layout).</summary>
    private (string? Path, IReadOnlyList<GoldRating> Ratings) ReadGold(string directory, string file, YamlMappingNode? map, string field,
        YamlBlock block, FindingCollector findings)
    {
        var node = map.Child("gold");
        var relative = node.Text();
        if (string.IsNullOrWhiteSpace(relative))
        {
            // Unnamed, the gold file is gold.csv beside the experiment file when there is one: where `discernus serve`
            // saves human codes, so the next run compares with them without an edit to the experiment.
            if (!File.Exists(Path.Combine(directory, GoldFile.DefaultFileName)))
            {
                return (null, []);
            }

            relative = GoldFile.DefaultFileName;
        }

        var path = ResolveInside(directory, relative, file, field, findings, node, block, expectDirectory: false);
        var text = path is null ? null : ReadSpecificationFile(path, findings, gold: true);
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

    /// <summary>Reads a hypothesis's <c>test:</c> mapping; problems are blocking, because a researcher wrote it to be decided.</summary>
    private static HypothesisTest? ReadHypothesisTest(YamlNode? node, string field, string file, YamlBlock block, FindingCollector findings)
    {
        if (node is null || node is YamlScalarNode empty && empty.IsNull())
        {
            return null;
        }

        const string Fix = "write e.g. `test: {variable: pluralist_tolerance, by: party, groups: [Democratic, Republican], expect: no_difference}` or `test: {variable: hope, correlates_with: fear, expect: negative}`";
        if (node is not YamlMappingNode map)
        {
            findings.Blocking(FindingCodes.InvalidField, file, field, "`test` must be a mapping", Fix, node, block);
            return null;
        }

        var variable = map.ChildText("variable");
        var by = map.ChildText("by");
        var correlates = map.ChildText("correlates_with");
        var expect = map.ChildText("expect")?.Trim().ToLowerInvariant();
        var groups = map.Child("groups") is { } groupsNode ? ReadStringList(map, "groups", file, block, findings) : [];
        string? problem = null;
        if (string.IsNullOrWhiteSpace(variable))
        {
            problem = "the test names no `variable` (a dimension or derived metric)";
        }
        else if ((by is null) == (correlates is null))
        {
            problem = "the test needs exactly one of `by` (a metadata field: a group comparison) and `correlates_with` (a variable: a correlation)";
        }
        else if (by is not null && !HypothesisTest.GroupExpectations.Contains(expect))
        {
            problem = $"`expect: {expect}` is not one of {string.Join(", ", HypothesisTest.GroupExpectations)} (group comparisons)";
        }
        else if (correlates is not null && !HypothesisTest.CorrelationExpectations.Contains(expect))
        {
            problem = $"`expect: {expect}` is not one of {string.Join(", ", HypothesisTest.CorrelationExpectations)} (correlations)";
        }
        else if (expect is "higher" or "lower" && groups.Count != 2)
        {
            problem = $"`expect: {expect}` compares two groups: list them as `groups: [first, second]` (the first is expected {expect})";
        }

        if (problem is not null)
        {
            findings.Blocking(FindingCodes.InvalidField, file, field, problem, Fix, node, block);
            return null;
        }

        return new HypothesisTest(variable!.Trim(), by?.Trim(), groups, correlates?.Trim(), expect!);
    }

    /// <summary>A hypothesis test must name the framework's variables: an unknown one is blocking, like a misspelt dimension in a formula.</summary>
    private static void CheckHypothesisVariables(Experiment settings, Framework framework, string file, FindingCollector findings)
    {
        var variables = framework.Dimensions.Select(d => d.Name).Concat(framework.DerivedMetrics.Select(m => m.Name)).ToList();
        foreach (var hypothesis in settings.Hypotheses.Where(h => h.Test is not null))
        {
            var test = hypothesis.Test!;
            foreach (var name in new[] { test.Variable, test.CorrelatesWith }.OfType<string>().Where(v => !variables.Contains(v, StringComparer.Ordinal)))
            {
                findings.Blocking(FindingCodes.UnknownDimension, file, $"hypotheses.{hypothesis.Id}.test",
                    $"'{name}' is neither a dimension nor a derived metric of the framework{NameSuggestions.Suggest(name, variables)}", $"use one of: {string.Join(", ", variables)}");
            }
        }
    }

    /// <summary>
    /// A hypothesis test's `by` must be a metadata field of the corpus (blocking when no document has it); a group
    /// value no document has is a warning: the corpus may grow into the test, and until then it is indeterminate.
    /// </summary>
    private static void CheckHypothesisGroups(Experiment settings, Corpus corpus, string file, FindingCollector findings)
    {
        foreach (var hypothesis in settings.Hypotheses.Where(h => h.Test?.By is not null))
        {
            var test = hypothesis.Test!;
            var by = test.By!;
            var field = $"hypotheses.{hypothesis.Id}.test";
            var values = corpus.Documents.Select(d => d.Metadata.GetValueOrDefault(by)?.Trim()).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (values.Count == 0)
            {
                var fields = NameSuggestions.MetadataFields(corpus);
                if (fields.Count == 0)
                {
                    // No metadata at all (every file a document): nothing to check the name against; the test waits for it.
                    findings.Warning(FindingCodes.GroupingFieldMissing, file, field, $"no document has metadata, so none has the field '{by}'; {hypothesis.Id} will be indeterminate",
                        "give the documents metadata in the corpus manifest");
                }
                else
                {
                    findings.Blocking(FindingCodes.GroupingFieldMissing, file, field, $"no document has the metadata field '{by}'{NameSuggestions.Suggest(by, fields)}",
                        $"name a metadata field of the corpus: {string.Join(", ", fields)}");
                }

                continue;
            }

            foreach (var group in test.Groups.Where(g => !values.Contains(g)))
            {
                findings.Warning(FindingCodes.GroupingFieldMissing, file, field, $"no document has {by} = '{group}' (values: {string.Join(", ", values.Order(StringComparer.Ordinal))}); {hypothesis.Id} will be indeterminate",
                    "use one of the values in the corpus manifest");
            }
        }
    }

    /// <summary>Gold rows about documents the corpus does not have are compared with nothing.</summary>
    private static void CheckGoldDocuments(Experiment settings, Corpus corpus, FindingCollector findings)
    {
        if (settings.GoldPath is not { } path || settings.Gold.Count == 0)
        {
            return;
        }

        var documents = corpus.Documents.Select(d => d.DocumentId).ToHashSet(StringComparer.Ordinal);
        var unknownDocuments = settings.Gold.Select(g => g.DocumentId).Where(d => !documents.Contains(d)).Distinct(StringComparer.Ordinal).ToList();
        if (unknownDocuments.Count > 0)
        {
            findings.Warning(FindingCodes.InvalidGoldFile, path, "document_id",
                $"{unknownDocuments.Count} document_id(s) in the gold file are not in the corpus and are ignored: {string.Join(", ", unknownDocuments.Take(5))}{(unknownDocuments.Count > 5 ? ", ..." : "")}",
                "use the corpus manifest's document_id values");
        }
    }

    /// <summary>Gold rows about dimensions the framework does not have are compared with nothing.</summary>
    private static void CheckGoldDimensions(Experiment settings, Framework framework, FindingCollector findings)
    {
        if (settings.GoldPath is not { } path || settings.Gold.Count == 0)
        {
            return;
        }

        var dimensions = framework.Dimensions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var unknownDimensions = settings.Gold.Select(g => g.Dimension).Where(d => !dimensions.Contains(d)).Distinct(StringComparer.Ordinal).ToList();
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

    /// <summary>Filtering settings that name dimensions the framework does not define: blocking, as any unknown name.</summary>
    private static void CheckFilteringDimensions(Experiment settings, Framework framework, string file, FindingCollector findings)
    {
        if (settings.AdvancedFiltering is not { } filtering)
        {
            return;
        }

        var known = framework.Dimensions.Select(d => d.Name).ToList();
        var named = filtering.DimensionSpecificThresholds.Keys.Select(d => ("dimension_specific_thresholds", d))
            .Concat(filtering.ExcludeDimensions.Select(d => ("exclude_dimensions", d)))
            .Concat(filtering.IncludeDimensions.Select(d => ("include_dimensions", d)));
        foreach (var (field, dimension) in named.Where(x => !known.Contains(x.Item2, StringComparer.Ordinal)))
        {
            findings.Blocking(FindingCodes.UnknownDimension, file, $"advanced_filtering.{field}",
                $"'{dimension}' is not a dimension of the framework{NameSuggestions.Suggest(dimension, known)} (it has: {string.Join(", ", known)})",
                "use one of the framework's dimension names");
        }
    }

    /// <summary>Checks that need the framework and the corpus together.</summary>
    /// <summary>
    /// Checks the experiment's settings against the framework and the corpus. Each check runs when the file it needs
    /// was read, whatever else failed, so every problem shows in one pass; a check that cannot run says so.
    /// </summary>
    /// <param name="settings">The experiment's own settings (its Framework and Corpus are not set yet).</param>
    private static void CrossCheck(Experiment settings, Framework? framework, Corpus? corpus, string file, FindingCollector findings)
    {
        CheckCalibration(settings, file, findings);
        if (framework is not null)
        {
            CheckAgainstFramework(settings, framework, file, findings);
        }
        else
        {
            findings.Warning(FindingCodes.CheckNotRun, file, null,
                "the framework could not be read, so the hypothesis variables, the filtering dimensions, the analysis variant and the derived-metric formulas were not checked",
                "fix the framework's findings and validate again");
        }

        if (corpus is not null)
        {
            CheckAgainstCorpus(settings, corpus, file, findings);
        }
        else if (settings.Grouping.Count > 0 || settings.Hypotheses.Any(h => h.Test?.By is not null) || settings.Gold.Count > 0)
        {
            findings.Warning(FindingCodes.CheckNotRun, file, null,
                "the corpus could not be read, so the grouping fields, the hypotheses' group fields and the gold file's document ids were not checked against its metadata",
                "fix the corpus's findings and validate again");
        }
    }

    private static void CheckAgainstFramework(Experiment settings, Framework framework, string file, FindingCollector findings)
    {
        CheckHypothesisVariables(settings, framework, file, findings);
        CheckFilteringDimensions(settings, framework, file, findings);
        CheckGoldDimensions(settings, framework, findings);
        var variants = framework.AnalysisVariants;
        if (variants.Count > 0 && !variants.ContainsKey(settings.AnalysisVariant))
        {
            findings.Blocking(FindingCodes.UnknownAnalysisVariant, file, "analysis_variant",
                $"analysis_variant '{settings.AnalysisVariant}' is not defined by the framework (it defines: {string.Join(", ", variants.Keys)})",
                "set `analysis_variant` to one of those, or remove it to use `default`");
        }
    }

    private static void CheckAgainstCorpus(Experiment settings, Corpus corpus, string file, FindingCollector findings)
    {
        CheckHypothesisGroups(settings, corpus, file, findings);
        CheckGoldDocuments(settings, corpus, findings);
        foreach (var field in settings.Grouping)
        {
            var lacking = corpus.Documents.Where(d => !d.Metadata.ContainsKey(field)).Select(d => d.DocumentId).ToList();
            if (lacking.Count == 0 || corpus.Documents.Count == 0)
            {
                continue;
            }

            var manifest = corpus.ManifestPath ?? corpus.DocumentsDirectory;
            var fields = NameSuggestions.MetadataFields(corpus);
            if (lacking.Count == corpus.Documents.Count && fields.Count > 0)
            {
                // A field no document has, in a corpus that has metadata, is a name the corpus does not know, like a
                // misspelt dimension. A corpus with no metadata at all (every file a document) is the warning below.
                findings.Blocking(FindingCodes.GroupingFieldMissing, file, "grouping",
                    $"no document has the metadata field '{field}'{NameSuggestions.Suggest(field, fields)}",
                    $"use one of the corpus's metadata fields: {string.Join(", ", fields)}");
                continue;
            }

            var shown = string.Join(", ", lacking.Take(5)) + (lacking.Count > 5 ? $" and {lacking.Count - 5} more" : string.Empty);
            findings.Warning(FindingCodes.GroupingFieldMissing, manifest, $"metadata.{field}",
                $"grouping field '{field}' is missing on {lacking.Count} of {corpus.Documents.Count} document(s) ({shown}); they are left out of that comparison",
                $"add `{field}` to the metadata of every document, or remove it from `grouping`");
        }
    }
}
