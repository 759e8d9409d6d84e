using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

internal sealed partial class ExperimentReader
{
    private static readonly string[] FrameworkTopKeys =
        ["metadata", "analysis_variants", "dimensions", "derived_metrics", "framework_fit_score", "output_schema", "name", "version",
         "display_name", "description", "citation", "dimension_groups", "static_weights", "calculation_spec", "output_contract",
         "reliability_rubric", "fit_score", "analysis_prompt"];

    private static readonly string[] DimensionKeys =
        ["name", "description", "definition", "markers", "scoring_calibration", "scoring_guide", "disambiguation", "language_cues",
         "examples", "weight", "display_name", "category", "theoretical_basis", "scale", "notes", "anchors"];

    private Framework? ReadFramework(string path, string analysisVariant, FindingCollector findings)
    {
        var text = ReadSpecificationFile(path, findings);
        return text is null ? null : ParseFramework(text, path, analysisVariant, findings);
    }

    /// <summary>
    /// Reads a framework from its text, e.g. as an agent gets it back from the artifact store by hash. Returns null
    /// (with the reasons in <paramref name="findings"/>) when the text has no usable appendix.
    /// </summary>
    public static Framework? ParseFramework(string text, string fileName, string analysisVariant, out IReadOnlyList<ValidationFinding> findings)
    {
        var collector = new FindingCollector(Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".");
        var framework = new ExperimentReader().ParseFramework(text, Path.GetFullPath(fileName), analysisVariant, collector);
        findings = collector.Findings;
        return collector.HasBlocking ? null : framework;
    }

    private Framework? ParseFramework(string text, string path, string analysisVariant, FindingCollector findings)
    {
        var blocks = AppendixFinder.FindBlocks(text);
        var appendix = ChooseAppendix(blocks, path, findings, root => FindDimensionsNode(root, analysisVariant).Node is not null,
            "`dimensions`", reportMissing: false);
        if (appendix is null)
        {
            var parsed = blocks.Select(b => SafeYaml.Parse(b, limits)).ToList();
            if (findings.Findings.Any(f => f.File == findings.Relative(path) && f.Severity == FindingSeverity.Blocking))
            {
                return null;
            }

            if (parsed.LastOrDefault(p => !p.Succeeded) is { } failure && !parsed.Any(p => p.Succeeded))
            {
                ReportParseFailure(failure, path, findings);
            }
            else if (parsed.Any(p => p.Succeeded))
            {
                findings.Blocking(FindingCodes.NoDimensions, path, "dimensions", "the framework's YAML appendix declares no dimensions",
                    "add a `dimensions:` list to the appendix, each with `name`, `description` and `markers`");
            }
            else
            {
                findings.Blocking(FindingCodes.NoAppendix, path, null, "the framework has no YAML appendix",
                    "end framework.md with a ```yaml block holding `dimensions` (see docs/formats.md)");
            }

            return null;
        }

        var root = appendix.Root!;
        var block = appendix.Block;
        WarnUnknownKeys(root, FrameworkTopKeys, path, null, block, findings);
        var metadata = root.ChildMap("metadata");
        CheckSpecVersion(metadata.ChildText("spec_version"), path, metadata?.Child("spec_version"), block, findings);

        var variants = ReadVariants(root);
        var (dimensionsNode, variantNode) = FindDimensionsNode(root, analysisVariant);
        var dimensions = ReadDimensions(dimensionsNode, path, block, findings);
        if (dimensions.Count > limits.MaxDimensions)
        {
            findings.Blocking(FindingCodes.TooManyDimensions, path, "dimensions",
                $"the framework declares {dimensions.Count:N0} dimensions, over the limit of {limits.MaxDimensions:N0} (each adds a prompt section, a score column and a row and column of every matrix in the report)",
                "split the framework into several, or raise the limit with DISCERNUS_MAX_DIMENSIONS", dimensionsNode, block);
        }

        if (dimensions.Count == 0 && !findings.HasBlocking)
        {
            findings.Blocking(FindingCodes.NoDimensions, path, "dimensions", "the framework's `dimensions` list is empty",
                "add at least one dimension with `name`, `description` and `markers`", dimensionsNode, block);
        }

        var derivedNode = root.Child("derived_metrics") ?? variantNode?.Child("derived_metrics");
        var derived = ReadDerivedMetrics(derivedNode, path, block, findings);
        var declaredFields = new List<string>();
        CollectScoreFields(root.Child("output_schema"), declaredFields, 0);

        return new Framework
        {
            Name = metadata.ChildText("framework_name") ?? root.ChildText("name") ?? metadata.ChildText("name") ?? Path.GetFileNameWithoutExtension(path),
            Version = metadata.ChildText("framework_version") ?? metadata.ChildText("version") ?? root.ChildText("version"),
            SpecVersion = metadata.ChildText("spec_version"),
            FilePath = path,
            Text = text,
            Dimensions = dimensions,
            DerivedMetrics = derived,
            AnalysisVariants = variants,
            DeclaredScoreFields = declaredFields,
        };
    }

    /// <summary>Every key of a mapping in the output schema that also declares <c>raw_score</c>: the fields of a score.</summary>
    private static void CollectScoreFields(YamlNode? node, List<string> fields, int depth)
    {
        // The YAML reader already bounds nesting; this keeps the walk bounded on its own.
        if (node is null || depth > 64)
        {
            return;
        }

        switch (node)
        {
            case YamlMappingNode map:
                if (map.Child("raw_score") is not null)
                {
                    fields.AddRange(map.Children.Keys.Select(k => k.Text()).OfType<string>().Where(k => !fields.Contains(k)));
                }

                foreach (var value in map.Children.Values)
                {
                    CollectScoreFields(value, fields, depth + 1);
                }

                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    CollectScoreFields(item, fields, depth + 1);
                }

                break;
        }
    }

    /// <summary>Dimensions sit at the top of the appendix or, in some real frameworks, inside an analysis variant.</summary>
    private static (YamlNode? Node, YamlMappingNode? Variant) FindDimensionsNode(YamlMappingNode root, string analysisVariant)
    {
        if (root.Child("dimensions") is { } top)
        {
            return (top, null);
        }

        if (root.ChildMap("analysis_variants") is not { } variants)
        {
            return (null, null);
        }

        var preferred = variants.ChildMap(analysisVariant) ?? variants.ChildMap("default");
        if (preferred?.Child("dimensions") is { } inPreferred)
        {
            return (inPreferred, preferred);
        }

        foreach (var (_, value) in variants.Children)
        {
            if (value is YamlMappingNode variant && variant.Child("dimensions") is { } dims)
            {
                return (dims, variant);
            }
        }

        return (null, null);
    }

    private static Dictionary<string, AnalysisVariant> ReadVariants(YamlMappingNode root)
    {
        var result = new Dictionary<string, AnalysisVariant>(StringComparer.Ordinal);
        if (root.ChildMap("analysis_variants") is not { } variants)
        {
            return result;
        }

        foreach (var (key, value) in variants.Children)
        {
            if (key.Text() is { } name)
            {
                var map = value as YamlMappingNode;
                result[name] = new AnalysisVariant(name, map.ChildText("description"), map.ChildText("analysis_prompt") ?? map?.Child("analysis_prompt")?.Flatten());
            }
        }

        return result;
    }

    private static List<Dimension> ReadDimensions(YamlNode? node, string path, YamlBlock block, FindingCollector findings)
    {
        var dimensions = new List<Dimension>();
        IEnumerable<(string? Name, YamlMappingNode? Map, YamlNode At)> entries = node switch
        {
            YamlSequenceNode list => list.Children.Select(c => ((c as YamlMappingNode).ChildText("name") ?? c.Text(), c as YamlMappingNode, c)),
            // Some frameworks key dimensions by name instead of listing them.
            YamlMappingNode map => map.Children.Select(kv => (kv.Key.Text(), kv.Value as YamlMappingNode, kv.Key)),
            _ => [],
        };

        if (node is not null and not YamlSequenceNode and not YamlMappingNode)
        {
            findings.Blocking(FindingCodes.InvalidField, path, "dimensions", "`dimensions` must be a list of dimension entries",
                "write `dimensions:` followed by `- name: ...` entries", node, block);
            return dimensions;
        }

        var index = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, map, at) in entries)
        {
            var field = $"dimensions[{index++}]";
            if (string.IsNullOrWhiteSpace(name))
            {
                findings.Blocking(FindingCodes.MissingField, path, $"{field}.name", "a dimension has no `name`",
                    "give every dimension a snake_case `name`", at, block);
                continue;
            }

            if (NameRule.Problem(name) is { } problem)
            {
                findings.Blocking(FindingCodes.InvalidName, path, $"{field}.name", $"dimension name '{NameRule.Printable(name)}' is not a name: {problem}",
                    $"name it with {NameRule.Description}", at, block);
                continue;
            }

            if (!names.Add(name))
            {
                findings.Blocking(FindingCodes.DuplicateDimension, path, $"{field}.name", $"dimension '{name}' is declared twice",
                    "rename or remove one of them", at, block);
                continue;
            }

            if (map is not null)
            {
                WarnUnknownKeys(map, DimensionKeys, path, $"dimensions.{name}", block, findings);
            }

            var markers = map.ChildMap("markers");
            var dimension = new Dimension
            {
                Name = name,
                Description = map.ChildText("description") ?? map.ChildText("definition"),
                PositiveMarkers = ReadMarkers(markers?.Child("positive_examples")),
                NegativeMarkers = ReadMarkers(markers?.Child("negative_examples")),
                BoundaryCases = ReadMarkers(markers?.Child("boundary_cases")),
                ScoringCalibration = ReadCalibration(map),
                Disambiguation = map?.Child("disambiguation")?.Flatten(),
                Anchors = ReadAnchors(map?.Child("anchors"), name, path, block, findings),
            };
            if (!dimension.HasMarkers)
            {
                findings.Warning(FindingCodes.DimensionWithoutMarkers, path, $"dimensions.{name}.markers",
                    $"dimension '{name}' has no positive marker examples; the offline lexicon model records it as not scorable (null); minilm and hosted models score it from its description",
                    "add `markers: {positive_examples: [...]}` with short phrases that signal the dimension", at, block);
            }

            dimensions.Add(dimension);
        }

        return dimensions;
    }

    private static List<Anchor> ReadAnchors(YamlNode? node, string dimension, string path, YamlBlock block, FindingCollector findings)
    {
        var anchors = new List<Anchor>();
        if (node is null || node is YamlScalarNode empty && empty.IsNull())
        {
            return anchors;
        }

        if (node is not YamlSequenceNode list)
        {
            findings.Blocking(FindingCodes.InvalidField, path, $"dimensions.{dimension}.anchors", "`anchors` must be a list of {excerpt, score}",
                "write `anchors:` followed by `- {excerpt: \"...\", score: 0.8}` entries", node, block);
            return anchors;
        }

        var index = 0;
        foreach (var item in list.Children)
        {
            var field = $"dimensions.{dimension}.anchors[{index++}]";
            var map = item as YamlMappingNode;
            var excerpt = map.ChildText("excerpt") ?? map.ChildText("text");
            if (string.IsNullOrWhiteSpace(excerpt) || !map.Child("score").TryDouble(out var score) || score is < 0 or > 1)
            {
                findings.Blocking(FindingCodes.InvalidField, path, field, "an anchor needs an `excerpt` and a `score` from 0 to 1",
                    "write e.g. `- {excerpt: \"We, the people, will take back our country.\", score: 0.9}`", item, block);
                continue;
            }

            anchors.Add(new Anchor(excerpt.Trim(), score));
        }

        return anchors;
    }

    private static IReadOnlyList<string> ReadMarkers(YamlNode? node) => node switch
    {
        YamlSequenceNode list => list.Children
            .Select(c => c is YamlMappingNode m ? m.ChildText("phrase") ?? m.ChildText("text") ?? m.ChildText("example") : c.Text())
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .Select(t => t!.Trim())
            .ToArray(),
        YamlScalarNode scalar when scalar.Text() is { } single => [single.Trim()],
        _ => [],
    };

    private static Dictionary<string, string> ReadCalibration(YamlMappingNode? map)
    {
        var calibration = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.ChildMap("scoring_calibration") is { } levels)
        {
            foreach (var (key, value) in levels.Children)
            {
                if (key.Text() is { } level)
                {
                    calibration[level] = value.Flatten();
                }
            }
        }
        else if (map?.Child("scoring_guide") is { } guide)
        {
            calibration["guide"] = guide.Flatten();
        }

        return calibration;
    }

    private static List<DerivedMetric> ReadDerivedMetrics(YamlNode? node, string path, YamlBlock block, FindingCollector findings)
    {
        var metrics = new List<DerivedMetric>();
        IEnumerable<(string? Name, YamlMappingNode? Map, YamlNode At)> entries = node switch
        {
            YamlSequenceNode list => list.Children.Select(c => ((c as YamlMappingNode).ChildText("name"), c as YamlMappingNode, c)),
            YamlMappingNode map => map.Children.Select(kv => (kv.Key.Text(), kv.Value as YamlMappingNode, kv.Key)),
            _ => [],
        };

        foreach (var (name, map, at) in entries)
        {
            var formula = map.ChildText("formula") ?? map.ChildText("calculation");
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(formula))
            {
                findings.Warning(FindingCodes.DerivedMetricInvalid, path, $"derived_metrics.{name ?? "?"}",
                    "a derived metric needs both `name` and `formula`; it is ignored",
                    "write `- name: my_index` with `formula: dimensions.a.raw_score - dimensions.b.raw_score`", at, block);
                continue;
            }

            if (NameRule.Problem(name) is { } problem)
            {
                findings.Blocking(FindingCodes.InvalidName, path, $"derived_metrics.{NameRule.Printable(name)}", $"derived metric name '{NameRule.Printable(name)}' is not a name: {problem}",
                    $"name it with {NameRule.Description}", at, block);
                continue;
            }

            if (DerivedMetricPlaceholder.IsPlaceholder(formula))
            {
                // A note where the formula should be (CDDF v10.2 ships seven "[v10.1 formula]"): only that metric
                // cannot be computed, so it is left out and the rest of the experiment runs.
                findings.Warning(FindingCodes.DerivedMetricPlaceholder, path, $"derived_metrics.{name}",
                    $"the formula of derived metric '{name}' is a placeholder (\"{formula.Trim()}\"), not a formula; the metric is left out",
                    "write the formula, e.g. `formula: dimensions.a.raw_score - dimensions.b.raw_score`, or remove the metric", at, block);
                continue;
            }

            metrics.Add(new DerivedMetric(name, map.ChildText("description"), formula));
        }

        return metrics;
    }
}
