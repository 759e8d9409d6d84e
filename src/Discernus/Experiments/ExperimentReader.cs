using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>
/// Reads an experiment folder in either layout (SPEC §1, §2) into the immutable <see cref="Experiment"/> model and
/// validates it deterministically, collecting every problem in one pass. Nothing here calls a model.
/// </summary>
public sealed partial class ExperimentReader(ExperimentLimits limits)
{
    public const string SupportedSpecVersion = "10";

    private static readonly string[] V10TopKeys =
        ["metadata", "components", "hypotheses", "reliability_filtering", "advanced_filtering", "models", "runs_per_model",
         "analysis_variant", "budget", "mode", "grouping", "validation", "calibration", "research_questions", "questions", "statistical_analysis", "expected_outcomes"];

    private static readonly string[] AlphaKeys =
        ["name", "framework", "corpus_path", "description", "hypothesis", "hypotheses", "models", "runs_per_model",
         "analysis_variant", "budget", "mode", "grouping", "author", "spec_version", "reliability_filtering", "advanced_filtering", "gold", "validation", "calibration"];

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();

    public ExperimentReader()
        : this(new ExperimentLimits())
    {
    }

    public ValidationReport Read(string path, CancellationToken cancellationToken = default)
    {
        if (!SafePaths.IsValidName(path))
        {
            var printable = SafePaths.Printable(path);
            var invalid = new FindingCollector(Directory.GetCurrentDirectory());
            invalid.Blocking(FindingCodes.ExperimentNotFound, printable, null,
                "the experiment path contains a character no file system allows in a name (a NUL or control character, or broken Unicode)",
                "pass the path of an experiment folder, e.g. `discernus validate projects/nano`");
            return new ValidationReport { ExperimentPath = printable, Findings = invalid.Findings };
        }

        var fullPath = Path.GetFullPath(path);
        var directory = File.Exists(fullPath) ? Path.GetDirectoryName(fullPath)! : fullPath;
        var findings = new FindingCollector(directory);

        if (!Directory.Exists(directory))
        {
            findings.Blocking(FindingCodes.ExperimentNotFound, fullPath, null,
                "the experiment folder does not exist",
                "pass the path of an experiment folder, e.g. `discernus validate projects/nano`");
            return new ValidationReport { ExperimentPath = fullPath, Findings = findings.Findings };
        }

        var outcome = ReadExperiment(directory, findings, cancellationToken);
        return new ValidationReport
        {
            ExperimentPath = directory,
            Findings = findings.Findings,
            Experiment = findings.HasBlocking ? null : outcome?.Experiment,
            Framework = outcome?.Framework,
            Models = outcome?.Settings.Models ?? [],
            ExperimentFilePath = outcome?.Settings.ExperimentFilePath,
        };
    }

    /// <summary>
    /// What was read, also when something blocks: the settings and, when its file could be read, the framework, so
    /// the checks above the reader (formulas, model names) still run and every finding shows in one pass.
    /// </summary>
    private sealed record ReadOutcome(Experiment Settings, Framework? Framework, Experiment? Experiment);

    private ReadOutcome? ReadExperiment(string directory, FindingCollector findings, CancellationToken cancellationToken)
    {
        // Anything by those names counts as present (a folder or a FIFO too): reading it then says what is wrong with it.
        var yamlFile = new[] { "experiment.yaml", "experiment.yml" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(f => FileKinds.Of(f) != FileKind.Missing);
        var mdFile = Path.Combine(directory, "experiment.md");
        if (yamlFile is null && FileKinds.Of(mdFile) == FileKind.Missing)
        {
            findings.Blocking(FindingCodes.FileMissing, Path.Combine(directory, "experiment.md"), null,
                "the folder has no experiment.md (v10 layout) or experiment.yaml (alpha layout)",
                "add experiment.md with a ```yaml appendix holding `metadata` and `components` (see docs/formats.md)");
            return null;
        }

        if (yamlFile is not null)
        {
            var text = ReadSpecificationFile(yamlFile, findings);
            if (text is null)
            {
                return null;
            }

            var parsed = SafeYaml.Parse(new YamlBlock(text, 1, "file"), limits);
            if (!parsed.Succeeded)
            {
                ReportParseFailure(parsed, yamlFile, findings);
                return null;
            }

            return ReadAlpha(directory, yamlFile, parsed, findings, cancellationToken);
        }

        var markdown = ReadSpecificationFile(mdFile, findings);
        if (markdown is null)
        {
            return null;
        }

        var blocks = AppendixFinder.FindBlocks(markdown);
        var frontMatter = blocks.FirstOrDefault(b => b.Kind == "front_matter");
        if (frontMatter is not null)
        {
            var parsedFront = SafeYaml.Parse(frontMatter, limits);
            if (parsedFront.Succeeded && parsedFront.Root.Has("name") && !parsedFront.Root.Has("components"))
            {
                return ReadAlpha(directory, mdFile, parsedFront, findings, cancellationToken);
            }
        }

        var appendix = ChooseAppendix(blocks, mdFile, findings, root => root.Has("metadata") || root.Has("components"),
            "`metadata` and `components`");
        return appendix is null ? null : ReadV10(directory, mdFile, appendix, findings, cancellationToken);
    }

    private ReadOutcome ReadV10(string directory, string file, YamlParseResult appendix, FindingCollector findings, CancellationToken cancellationToken)
    {
        var root = appendix.Root!;
        var block = appendix.Block;
        WarnUnknownKeys(root, V10TopKeys, file, null, block, findings);

        var metadata = root.ChildMap("metadata");
        var name = metadata.ChildText("experiment_name");
        if (metadata is null)
        {
            findings.Blocking(FindingCodes.MissingField, file, "metadata", "the appendix has no `metadata` section",
                "add `metadata:` with `experiment_name: <snake_case_name>`", root, block);
        }
        else if (string.IsNullOrWhiteSpace(name))
        {
            findings.Blocking(FindingCodes.MissingField, file, "metadata.experiment_name", "`experiment_name` is missing or empty",
                "add `experiment_name: <snake_case_name>` under `metadata`", metadata, block);
        }
        else if (!SnakeCase().IsMatch(name))
        {
            findings.Warning(FindingCodes.NameNotSnakeCase, file, "metadata.experiment_name", $"experiment_name '{name}' is not snake_case",
                "use lower-case letters, digits and underscores, e.g. `my_experiment`", metadata.Child("experiment_name"), block);
        }

        var specVersion = metadata.ChildText("spec_version");
        CheckSpecVersion(specVersion, file, metadata?.Child("spec_version"), block, findings);

        var components = root.ChildMap("components");
        if (components is null)
        {
            findings.Blocking(FindingCodes.MissingField, file, "components", "the appendix has no `components` section",
                "add `components:` with `framework: framework.md` and `corpus: corpus.md`", root, block);
        }
        else
        {
            WarnUnknownKeys(components, ["framework", "corpus", "gold"], file, "components", block, findings);
        }

        var frameworkPath = RequiredComponentPath(directory, file, components, "framework", "components.framework", "framework.md", block, findings);
        var corpusPath = RequiredComponentPath(directory, file, components, "corpus", "components.corpus", "corpus.md", block, findings);
        var options = ReadOptions(root, file, block, findings);
        var gold = ReadGold(directory, file, components, "components.gold", block, findings);

        var framework = frameworkPath is null ? null : ReadFramework(frameworkPath, options.AnalysisVariant, findings);
        var corpus = corpusPath is null ? null : CorpusReader.ReadV10Corpus(directory, corpusPath, findings, cancellationToken);
        options = options with { Directory = directory, ExperimentFilePath = file, GoldPath = gold.Path, Gold = gold.Ratings };
        CrossCheck(options, framework, corpus, file, findings);
        if (framework is null || corpus is null || string.IsNullOrWhiteSpace(name))
        {
            return new ReadOutcome(options, framework, null);
        }

        var experiment = options with
        {
            Name = name,
            Layout = ExperimentLayout.V10,
            Author = metadata.ChildText("author"),
            SpecVersion = specVersion,
            Description = metadata.ChildText("description"),
            Framework = framework,
            Corpus = corpus,
            Limits = limits,
            GoldPath = gold.Path,
            Gold = gold.Ratings,
        };
        return new ReadOutcome(options, framework, experiment);
    }

    private ReadOutcome ReadAlpha(string directory, string file, YamlParseResult parsed, FindingCollector findings, CancellationToken cancellationToken)
    {
        var root = parsed.Root!;
        var block = parsed.Block;
        WarnUnknownKeys(root, AlphaKeys, file, null, block, findings);

        var name = root.ChildText("name");
        if (string.IsNullOrWhiteSpace(name))
        {
            findings.Blocking(FindingCodes.MissingField, file, "name", "`name` is missing or empty",
                "add `name: <snake_case_name>`", root, block);
        }

        CheckSpecVersion(root.ChildText("spec_version"), file, root.Child("spec_version"), block, findings);
        var frameworkPath = RequiredComponentPath(directory, file, root, "framework", "framework", "framework.md", block, findings);
        var corpusDirectory = RequiredComponentPath(directory, file, root, "corpus_path", "corpus_path", "corpus", block, findings, expectDirectory: true);
        var options = ReadOptions(root, file, block, findings);
        var gold = ReadGold(directory, file, root, "gold", block, findings);
        var hypothesis = root.ChildText("hypothesis");
        if (hypothesis is not null && options.Hypotheses.Count == 0)
        {
            options = options with { Hypotheses = [new Hypothesis("H1", hypothesis)] };
        }

        var framework = frameworkPath is null ? null : ReadFramework(frameworkPath, options.AnalysisVariant, findings);
        var corpus = corpusDirectory is null ? null : CorpusReader.ReadAlphaCorpus(directory, corpusDirectory, findings, cancellationToken);
        options = options with { Directory = directory, ExperimentFilePath = file, GoldPath = gold.Path, Gold = gold.Ratings };
        CrossCheck(options, framework, corpus, file, findings);
        if (framework is null || corpus is null || string.IsNullOrWhiteSpace(name))
        {
            return new ReadOutcome(options, framework, null);
        }

        var experiment = options with
        {
            Name = name,
            Layout = ExperimentLayout.Alpha,
            Author = root.ChildText("author"),
            SpecVersion = root.ChildText("spec_version"),
            Description = root.ChildText("description"),
            Framework = framework,
            Corpus = corpus,
            Limits = limits,
            GoldPath = gold.Path,
            Gold = gold.Ratings,
        };
        return new ReadOutcome(options, framework, experiment);
    }

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

    private static void CheckSpecVersion(string? specVersion, string file, YamlNode? node, YamlBlock block, FindingCollector findings)
    {
        if (specVersion is null)
        {
            return;
        }

        var major = specVersion.TrimStart('v', 'V').Split('.')[0];
        if (major != SupportedSpecVersion)
        {
            findings.Warning(FindingCodes.SpecVersionMismatch, file, "spec_version",
                $"spec_version '{specVersion}' differs from the supported version {SupportedSpecVersion}.x; the file is read as v{SupportedSpecVersion}",
                $"check the file against docs/formats.md and set `spec_version: \"{SupportedSpecVersion}.0\"`", node, block);
        }
    }

    private static void WarnUnknownKeys(YamlMappingNode map, IReadOnlyCollection<string> known, string file, string? parent, YamlBlock block, FindingCollector findings)
    {
        foreach (var (keyNode, _) in map.Children)
        {
            var key = keyNode.Text();
            if (key is not null && !known.Contains(key))
            {
                var field = parent is null ? key : $"{parent}.{key}";
                findings.Warning(FindingCodes.UnknownKey, file, field, $"unknown key `{field}` is ignored",
                    $"remove it or check its spelling (known keys: {string.Join(", ", known)})", keyNode, block);
            }
        }
    }

    /// <summary>Resolves a path the experiment names and keeps it inside the experiment folder.</summary>
    private static string? RequiredComponentPath(string directory, string file, YamlMappingNode? map, string key, string field, string example,
        YamlBlock block, FindingCollector findings, bool expectDirectory = false)
    {
        if (map is null)
        {
            return null;
        }

        var node = map.Child(key);
        var value = node.Text();
        if (string.IsNullOrWhiteSpace(value))
        {
            findings.Blocking(FindingCodes.MissingField, file, field, $"`{key}` is missing or empty",
                $"add `{key}: {example}`", node ?? map, block);
            return null;
        }

        return ResolveInside(directory, value, file, field, findings, node, block, expectDirectory);
    }

    private static string? ResolveInside(string directory, string relative, string file, string field, FindingCollector findings,
        YamlNode? node, YamlBlock? block, bool expectDirectory)
    {
        var outcome = SafePaths.Check(directory, relative, out var full);
        var message = outcome switch
        {
            SafePaths.Outcome.Absolute => $"'{relative}' is an absolute path; experiment paths must be relative to the experiment folder",
            SafePaths.Outcome.DotDotEscape => $"'{relative}' leads outside the experiment folder through '..'",
            SafePaths.Outcome.SymlinkEscape => $"'{relative}' is (or passes through) a symbolic link that leads outside the experiment folder",
            _ => null,
        };
        if (outcome == SafePaths.Outcome.InvalidName)
        {
            Add(FindingCodes.InvalidFileName, $"'{SafePaths.Printable(relative)}' contains a character no file system allows in a name (a NUL or control character, or broken Unicode)",
                $"correct `{field}`: write the plain relative path of the file");
            return null;
        }

        if (message is not null)
        {
            Add(FindingCodes.PathEscapes, message, "copy the file into the experiment folder and name it by a relative path");
            return null;
        }

        var kind = FileKinds.Of(full);
        if (kind == FileKind.Missing || (expectDirectory && kind == FileKind.Regular))
        {
            Add(FindingCodes.FileMissing, expectDirectory ? $"the folder '{relative}' does not exist" : $"the file '{relative}' does not exist",
                $"create it or correct `{field}`");
            return null;
        }

        if (kind != (expectDirectory ? FileKind.Directory : FileKind.Regular) && kind != FileKind.Inaccessible)
        {
            var what = kind == FileKind.Directory ? "a folder" : FileKinds.Describe(kind);
            Add(kind == FileKind.Directory ? FindingCodes.FileUnreadable : FindingCodes.NotRegularFile,
                $"'{relative}' is {what}, where {(expectDirectory ? "a folder" : "a regular file")} is expected",
                $"correct `{field}`, or put {(expectDirectory ? "a folder" : "a regular file")} there");
            return null;
        }

        return full;

        void Add(string code, string text, string fix)
        {
            if (block is null)
            {
                findings.Blocking(code, file, field, text, fix);
            }
            else
            {
                findings.Blocking(code, file, field, text, fix, node, block);
            }
        }
    }

    /// <summary>
    /// The corpus manifest lists every document, so its size and node count grow with the corpus: it is read with
    /// limits scaled to <see cref="ExperimentLimits.MaxDocuments"/>; every other file keeps the fixed ones.
    /// </summary>
    private ExperimentReader CorpusReader => new(limits with
    {
        MaxSpecificationFileBytes = Math.Max(limits.MaxSpecificationFileBytes, limits.MaxDocuments * 2048L),
        MaxYamlNodes = Math.Max(limits.MaxYamlNodes, limits.MaxDocuments * 40L),
    })
    { ReadsDocuments = ReadsDocuments };

    private string? ReadSpecificationFile(string path, FindingCollector findings, bool gold = false)
    {
        if (!MayRead(path, findings))
        {
            return null;
        }

        try
        {
            var info = new FileInfo(path);
            if (gold && info.Length > limits.MaxGoldFileBytes)
            {
                findings.Blocking(FindingCodes.GoldFileTooLarge, path, null,
                    $"the gold file is {info.Length:N0} bytes, over the {limits.MaxGoldFileBytes:N0}-byte limit for gold files",
                    "keep one short row per coder, document and dimension (document_id,dimension,score,coder): drop other columns and long notes, or code a sample of the corpus");
                return null;
            }

            if (!gold && info.Length > limits.MaxSpecificationFileBytes)
            {
                findings.Blocking(FindingCodes.FileUnreadable, path, null,
                    $"the file is {info.Length:N0} bytes, over the {limits.MaxSpecificationFileBytes:N0}-byte limit for specification files",
                    "keep only prose and the YAML appendix in it");
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            var text = new UTF8Encoding(false, true).GetString(bytes).TrimStart('\uFEFF');
            if (text.Contains('\r') && !text.Contains('\n'))
            {
                // Every line would run into one: the appendix (or the header) could not be found, for a reason no other message names.
                findings.Blocking(FindingCodes.OldMacLineEndings, path, null,
                    "the file's lines end in a carriage return alone (classic Mac OS line endings), so it reads as one line",
                    "save it with LF (or CRLF) line endings, e.g. `tr '\\r' '\\n' < file > file.new`, then replace the file");
                return null;
            }

            return text.Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        catch (DecoderFallbackException)
        {
            findings.Blocking(FindingCodes.FileUnreadable, path, null, "the file is not valid UTF-8", "save it as UTF-8");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            findings.Blocking(FindingCodes.FileUnreadable, path, null, $"the file cannot be read: {ex.Message}", "check that it exists and is readable");
        }

        return null;
    }

    /// <summary>SPEC §1: the appendix is the last YAML block that parses and has the expected keys.</summary>
    private YamlParseResult? ChooseAppendix(IReadOnlyList<YamlBlock> blocks, string file, FindingCollector findings,
        Func<YamlMappingNode, bool> hasExpectedKeys, string expected, bool reportMissing = true)
    {
        var parsed = blocks.Select(b => SafeYaml.Parse(b, limits)).ToList();
        var chosen = parsed.LastOrDefault(p => p.Succeeded && hasExpectedKeys(p.Root!));
        var bomb = parsed.FirstOrDefault(p => p.ExceedsLimit);
        if (bomb is not null)
        {
            ReportParseFailure(bomb, file, findings);
            return null;
        }

        if (chosen is not null)
        {
            var laterFailure = parsed.LastOrDefault(p => !p.Succeeded && p.Block.FirstLine > chosen.Block.FirstLine);
            if (laterFailure is not null && LooksLikeAppendix(laterFailure.Block, expected))
            {
                // The broken block is most likely the real appendix: running on an earlier example would be a silent error.
                ReportParseFailure(laterFailure, file, findings);
                return null;
            }

            if (laterFailure is not null)
            {
                findings.Warning(FindingCodes.IgnoredYamlBlock, file, null,
                    $"a later YAML block does not parse ({laterFailure.Error}); the appendix at line {chosen.Block.FirstLine} is used instead",
                    "fix or remove the later block so there is no doubt which appendix counts", laterFailure.ErrorLine, laterFailure.ErrorColumn);
            }

            return chosen;
        }

        if (!reportMissing)
        {
            return null;
        }

        var failure = parsed.LastOrDefault(p => !p.Succeeded);
        if (failure is not null)
        {
            ReportParseFailure(failure, file, findings);
        }
        else
        {
            findings.Blocking(FindingCodes.NoAppendix, file, null,
                $"no YAML appendix with {expected} was found",
                $"end the file with a ```yaml block that holds {expected} (see docs/formats.md)");
        }

        return null;
    }

    /// <summary>Whether a block that does not parse still declares the keys an appendix has (e.g. a top-level `metadata:`).</summary>
    private static bool LooksLikeAppendix(YamlBlock block, string expected) =>
        System.Text.RegularExpressions.Regex.Matches(expected, "`([a-z_]+)`")
            .Select(m => m.Groups[1].Value)
            .Any(key => block.Text.Split('\n').Any(line => line.StartsWith(key + ":", StringComparison.Ordinal)));

    private static void ReportParseFailure(YamlParseResult failure, string file, FindingCollector findings)
    {
        if (failure.LimitCode == FindingCodes.YamlAliasBomb)
        {
            findings.Blocking(FindingCodes.YamlAliasBomb, file, null, failure.Error!,
                "remove the recursive or exponentially nested anchors/aliases (&name / *name)", failure.ErrorLine, failure.ErrorColumn);
            return;
        }

        if (failure.LimitCode == FindingCodes.YamlTooDeep)
        {
            findings.Blocking(FindingCodes.YamlTooDeep, file, null, failure.Error!,
                "flatten the nesting at that position: Discernus files need only a few levels", failure.ErrorLine, failure.ErrorColumn);
            return;
        }

        findings.Blocking(FindingCodes.MalformedYaml, file, null, $"malformed YAML: {failure.Error}",
            "fix the YAML at that line (indentation, a missing ':' or an unclosed quote are the usual causes)", failure.ErrorLine, failure.ErrorColumn);
    }
}
