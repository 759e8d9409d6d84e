using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>
/// Reads an experiment folder in either layout (SPEC §1, §2) into the immutable <see cref="Experiment"/> model and
/// validates it deterministically, collecting every problem in one pass. Nothing here calls a model.
/// </summary>
internal sealed partial class ExperimentReader(ExperimentLimits limits)
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

        _specificationFiles.Clear();
        var outcome = ReadExperiment(directory, findings, cancellationToken);
        return new ValidationReport
        {
            ExperimentPath = directory,
            Findings = findings.Findings,
            Experiment = findings.HasBlocking ? null : outcome?.Experiment,
            Framework = outcome?.Framework,
            Models = outcome?.Settings.Models ?? [],
            ExperimentFilePath = outcome?.Settings.ExperimentFilePath,
            SpecificationFiles = [.. _specificationFiles.Values],
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
        var identity = new Identity(name, ExperimentLayout.V10, metadata.ChildText("author"), specVersion, metadata.ChildText("description"));
        return Assemble(identity, options with { Directory = directory, ExperimentFilePath = file, GoldPath = gold.Path, Gold = gold.Ratings }, framework, corpus, file, findings);
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
        var identity = new Identity(name, ExperimentLayout.Alpha, root.ChildText("author"), root.ChildText("spec_version"), root.ChildText("description"));
        return Assemble(identity, options with { Directory = directory, ExperimentFilePath = file, GoldPath = gold.Path, Gold = gold.Ratings }, framework, corpus, file, findings);
    }

    /// <summary>What an experiment file says of itself, in either layout.</summary>
    private sealed record Identity(string? Name, ExperimentLayout Layout, string? Author, string? SpecVersion, string? Description);

    /// <summary>
    /// Both layouts end alike: the options are cross-checked against the framework and corpus, and an experiment exists
    /// only when its name, framework and corpus all could be read.
    /// </summary>
    private ReadOutcome Assemble(Identity identity, Experiment options, Framework? framework, Corpus? corpus, string file, FindingCollector findings)
    {
        CrossCheck(options, framework, corpus, file, findings);
        if (framework is null || corpus is null || string.IsNullOrWhiteSpace(identity.Name))
        {
            return new ReadOutcome(options, framework, null);
        }

        var experiment = options with
        {
            Name = identity.Name!,
            Layout = identity.Layout,
            Author = identity.Author,
            SpecVersion = identity.SpecVersion,
            Description = identity.Description,
            Framework = framework,
            Corpus = corpus,
            Limits = limits,
        };
        return new ReadOutcome(options, framework, experiment);
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
    { ReadsDocuments = ReadsDocuments, _specificationFiles = _specificationFiles };
}
