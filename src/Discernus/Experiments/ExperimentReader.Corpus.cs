using System.Text;
using Discernus.Content;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

internal sealed partial class ExperimentReader
{
    private sealed record ManifestEntry(string FileName, string? DocumentId, Dictionary<string, string> Metadata, YamlNode At);

    private Corpus? ReadV10Corpus(string directory, string manifestPath, FindingCollector findings, CancellationToken cancellationToken)
    {
        var text = ReadSpecificationFile(manifestPath, findings);
        if (text is null)
        {
            return null;
        }

        var documentsDirectory = Path.Combine(Path.GetDirectoryName(manifestPath)!, "corpus");
        var relativeDocuments = findings.Relative(documentsDirectory);
        if (!Directory.Exists(documentsDirectory))
        {
            findings.Blocking(FindingCodes.FileMissing, documentsDirectory, null, "the corpus folder does not exist next to the corpus manifest",
                $"create '{relativeDocuments}/' and put the documents in it");
            return null;
        }

        if (!SafePaths.ResolvesInside(directory, documentsDirectory))
        {
            findings.Blocking(FindingCodes.PathEscapes, documentsDirectory, null, "the corpus folder is a symbolic link that leads outside the experiment folder",
                "copy the documents into the experiment folder");
            return null;
        }

        var blocks = AppendixFinder.FindBlocks(text);
        var manifest = ChooseAppendix(blocks, manifestPath, findings, root => root.Has("documents"), "`documents`", reportMissing: false);
        if (manifest is null && findings.Findings.Any(f => f.File == findings.Relative(manifestPath) && f.Severity == FindingSeverity.Blocking))
        {
            return null;
        }

        if (manifest is null && blocks.Select(b => SafeYaml.Parse(b, limits)).LastOrDefault() is { Succeeded: false } broken)
        {
            ReportParseFailure(broken, manifestPath, findings);
            return null;
        }

        // A manifest without a `documents` list still describes the corpus; every file under corpus/ is then a document.
        manifest ??= blocks.Select(b => SafeYaml.Parse(b, limits)).LastOrDefault(p => p.Succeeded);

        var root = manifest?.Root;
        var documentsNode = root.Child("documents");
        if (documentsNode is YamlScalarNode empty && empty.IsNull())
        {
            // `documents:` with nothing under it is a manifest without a documents list.
            documentsNode = null;
        }

        List<CorpusDocument> documents;
        if (documentsNode is null)
        {
            findings.Warning(FindingCodes.ManifestWithoutDocuments, manifestPath, "documents",
                "the corpus manifest has no `documents` list; every supported file under corpus/ is taken as a document, without metadata",
                "list the documents with `documents: [{filename, document_id, metadata}]` to give them ids and metadata");
            documents = EnumerateDocuments(directory, documentsDirectory, manifestPath, f => DocumentTextExtractor.SupportedExtensions.Contains(Path.GetExtension(f).TrimStart('.')), findings)
                .Select(p => DocumentFromFile(documentsDirectory, p)).ToList();
        }
        else
        {
            var entries = ReadManifestEntries(documentsNode, manifestPath, manifest!.Block, findings);
            documents = ResolveEntries(directory, documentsDirectory, manifestPath, entries, manifest.Block, findings);
            var named = entries.Where(e => SafePaths.IsValidName(e.FileName)).Select(e => Path.GetFullPath(Path.Combine(documentsDirectory, e.FileName)));
            WarnUnlisted(directory, documentsDirectory, manifestPath, documents.Select(d => d.FullPath).Concat(named), findings);
        }

        CheckDocuments(documents, manifestPath, findings, cancellationToken);
        return new Corpus
        {
            Name = root.ChildText("name"),
            Version = root.ChildText("version"),
            Description = root.ChildText("description"),
            ManifestPath = manifestPath,
            DocumentsDirectory = documentsDirectory,
            Documents = documents,
        };
    }

    private Corpus? ReadAlphaCorpus(string directory, string documentsDirectory, FindingCollector findings, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(documentsDirectory, "corpus.md");
        var textFiles = EnumerateDocuments(directory, documentsDirectory, documentsDirectory,
            f => string.Equals(Path.GetExtension(f), ".txt", StringComparison.OrdinalIgnoreCase), findings);
        var documents = textFiles.Select(p => DocumentFromFile(documentsDirectory, p)).ToList();
        string? name = null;

        if (File.Exists(manifestPath))
        {
            var text = ReadSpecificationFile(manifestPath, findings);
            var blocks = text is null ? [] : AppendixFinder.FindBlocks(text);
            var manifest = ChooseAppendix(blocks, manifestPath, findings, root => root.Has("documents"), "`documents`", reportMissing: false);
            if (manifest is null && blocks.Select(b => SafeYaml.Parse(b, limits)).LastOrDefault(p => !p.Succeeded) is { } broken)
            {
                ReportParseFailure(broken, manifestPath, findings);
                return null;
            }

            if (manifest is not null)
            {
                name = manifest.Root.ChildText("name");
                var entries = ReadManifestEntries(manifest.Root.Child("documents")!, manifestPath, manifest.Block, findings);
                var listed = ResolveEntries(directory, documentsDirectory, manifestPath, entries, manifest.Block, findings);
                // Metadata comes only from the manifest; files it does not list keep their file-name ids.
                var byPath = listed.ToDictionary(d => d.RelativePath, StringComparer.Ordinal);
                documents = documents.Select(d => byPath.GetValueOrDefault(d.RelativePath, d)).ToList();
                foreach (var unlisted in documents.Where(d => !byPath.ContainsKey(d.RelativePath)))
                {
                    findings.Warning(FindingCodes.UnlistedFile, unlisted.FullPath, null,
                        "this corpus file is not listed in corpus/corpus.md; it is analysed without metadata",
                        "add it to the manifest's `documents` list or move it out of the corpus folder");
                }
            }
        }

        if (documents.Count == 0)
        {
            findings.Blocking(FindingCodes.NoDocuments, documentsDirectory, "corpus_path", "the corpus folder holds no .txt documents",
                "put the documents (UTF-8 .txt files) in the corpus folder");
            return null;
        }

        CheckDocuments(documents, documentsDirectory, findings, cancellationToken);
        return new Corpus { Name = name, ManifestPath = File.Exists(manifestPath) ? manifestPath : null, DocumentsDirectory = documentsDirectory, Documents = documents };
    }

    private List<ManifestEntry> ReadManifestEntries(YamlNode documentsNode, string manifestPath, YamlBlock block, FindingCollector findings)
    {
        var entries = new List<ManifestEntry>();
        if (documentsNode is not YamlSequenceNode list)
        {
            findings.Blocking(FindingCodes.InvalidField, manifestPath, "documents", "`documents` must be a list",
                "write `documents:` followed by `- filename: ...` entries", documentsNode, block);
            return entries;
        }

        var index = 0;
        foreach (var item in list.Children)
        {
            var field = $"documents[{index++}]";
            if (item is not YamlMappingNode map)
            {
                if (item.Text() is { } bare)
                {
                    entries.Add(new ManifestEntry(bare, null, [], item));
                    continue;
                }

                findings.Blocking(FindingCodes.InvalidField, manifestPath, field, "a document entry must be a mapping with `filename`",
                    "write `- filename: speech.txt` with `document_id` and `metadata`", item, block);
                continue;
            }

            var fileName = map.ChildText("filename") ?? map.ChildText("file") ?? map.ChildText("path");
            if (string.IsNullOrWhiteSpace(fileName))
            {
                findings.Blocking(FindingCodes.MissingField, manifestPath, $"{field}.filename", "a document entry has no `filename`",
                    "add `filename: <file relative to corpus/>`", map, block);
                continue;
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (map.ChildMap("metadata") is { } nested)
            {
                foreach (var (key, value) in nested.Children)
                {
                    if (key.Text() is { } k)
                    {
                        AddMetadata(k, value);
                    }
                }
            }

            // Older manifests put metadata keys directly on the entry.
            foreach (var (key, value) in map.Children)
            {
                if (key.Text() is { } k && k is not ("filename" or "file" or "path" or "document_id" or "id" or "metadata") && !metadata.ContainsKey(k))
                {
                    AddMetadata(k, value);
                }
            }

            void AddMetadata(string key, YamlNode value)
            {
                if (NameRule.Problem(key) is { } problem)
                {
                    findings.Blocking(FindingCodes.InvalidName, manifestPath, $"{field}.metadata", $"metadata key '{NameRule.Printable(key)}' is not a name: {problem}",
                        $"name it with {NameRule.Description}", value, block);
                    return;
                }

                var text = value.Flatten();
                if (text.Length > limits.MaxMetadataValueChars)
                {
                    // Values reach every table, group and chart of the report: a megabyte there left REPORT unfinished.
                    findings.Blocking(FindingCodes.MetadataValueTooLong, manifestPath, $"{field}.metadata.{key}",
                        $"the value of `{key}` is {text.Length:N0} characters, over the limit of {limits.MaxMetadataValueChars:N0}",
                        "keep metadata short (a year, a speaker, a category) and put long text in the document, or raise the limit with DISCERNUS_MAX_METADATA_CHARS", value, block);
                    return;
                }

                metadata[key] = text;
            }

            entries.Add(new ManifestEntry(fileName, map.ChildText("document_id") ?? map.ChildText("id"), metadata, map));
        }

        return entries;
    }

    private static List<CorpusDocument> ResolveEntries(string directory, string documentsDirectory, string manifestPath,
        List<ManifestEntry> entries, YamlBlock block, FindingCollector findings)
    {
        var documents = new List<CorpusDocument>();
        var ids = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        var files = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!SafePaths.IsValidName(entry.FileName))
            {
                findings.Blocking(FindingCodes.InvalidFileName, manifestPath, "documents.filename",
                    $"'{SafePaths.Printable(entry.FileName)}' contains a character no file system allows in a name (a NUL or control character, or broken Unicode)",
                    "write the document's file name as it is on disk, relative to corpus/", entry.At, block);
                continue;
            }

            var id = entry.DocumentId ?? Path.GetFileNameWithoutExtension(entry.FileName);
            if (ids.TryGetValue(id, out var first))
            {
                findings.Blocking(FindingCodes.DuplicateDocumentId, manifestPath, "documents.document_id",
                    $"document_id '{id}' is used twice ('{first.FileName}' and '{entry.FileName}')",
                    "give every document a unique document_id", entry.At, block);
                continue;
            }

            ids[id] = entry;
            var (outcome, full) = ResolveEntryPath(directory, documentsDirectory, entry.FileName);
            if (outcome != SafePaths.Outcome.Inside)
            {
                var why = outcome switch
                {
                    SafePaths.Outcome.Absolute => "is an absolute path",
                    SafePaths.Outcome.DotDotEscape => "leads outside the experiment folder through '..'",
                    _ => "is (or passes through) a symbolic link that leads outside the experiment folder",
                };
                findings.Blocking(FindingCodes.PathEscapes, manifestPath, "documents.filename", $"'{entry.FileName}' {why}",
                    "copy the document into corpus/ and list it by its path relative to corpus/", entry.At, block);
                continue;
            }

            if (!File.Exists(full) && !Directory.Exists(full))
            {
                // File systems differ in how they store accented names (NFC on Linux, NFD on macOS).
                full = new[] { NormalizationForm.FormC, NormalizationForm.FormD }
                    .Select(form => Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileName(full).Normalize(form)))
                    .FirstOrDefault(File.Exists) ?? full;
            }

            if (Directory.Exists(full))
            {
                findings.Blocking(FindingCodes.DocumentMissing, manifestPath, "documents.filename",
                    $"listed document '{entry.FileName}' is a folder, not a file",
                    "list the files inside it one by one", entry.At, block);
                continue;
            }

            if (!File.Exists(full))
            {
                findings.Blocking(FindingCodes.DocumentMissing, manifestPath, "documents.filename",
                    $"listed document '{entry.FileName}' does not exist in {findings.Relative(documentsDirectory)}/ (nor relative to the experiment folder)",
                    "add the file or remove its entry from the manifest", entry.At, block);
                continue;
            }

            if (files.TryGetValue(full, out var firstListing))
            {
                // Analysed twice, a file would count twice in every statistic.
                findings.Blocking(FindingCodes.DuplicateDocumentFile, manifestPath, "documents.filename",
                    $"'{entry.FileName}' (document_id '{id}') is the same file as '{firstListing.FileName}' (document_id '{firstListing.DocumentId ?? Path.GetFileNameWithoutExtension(firstListing.FileName)}'); it would be analysed and counted twice",
                    "list every file once: remove one of the two entries", entry.At, block);
                continue;
            }

            files[full] = entry;
            documents.Add(new CorpusDocument
            {
                DocumentId = id,
                RelativePath = Path.GetRelativePath(documentsDirectory, full).Replace('\\', '/'),
                FullPath = full,
                Metadata = entry.Metadata,
            });
        }

        return documents;
    }

    /// <summary>
    /// A manifest path is relative to the corpus folder (SPEC) or, as manifests in the wild write it
    /// (<c>corpus/interviews/a.txt</c>), to the experiment folder; the first that names an existing file wins.
    /// Either way it must stay inside the experiment folder.
    /// </summary>
    private static (SafePaths.Outcome Outcome, string FullPath) ResolveEntryPath(string directory, string documentsDirectory, string fileName)
    {
        var fromCorpus = Classify(documentsDirectory);
        if (fromCorpus.Outcome == SafePaths.Outcome.Inside && Exists(fromCorpus.FullPath))
        {
            return fromCorpus;
        }

        var fromExperiment = Classify(directory);
        if (fromExperiment.Outcome == SafePaths.Outcome.Inside)
        {
            return Exists(fromExperiment.FullPath) ? fromExperiment : fromCorpus;
        }

        // A path that leaves the experiment under either reading is reported as leaving it, whether or not it exists.
        return fromCorpus.Outcome == SafePaths.Outcome.Inside ? fromExperiment : fromCorpus;

        (SafePaths.Outcome Outcome, string FullPath) Classify(string baseDirectory)
        {
            var outcome = SafePaths.Check(baseDirectory, fileName, out var full);
            if (outcome == SafePaths.Outcome.SymlinkEscape && SafePaths.ResolvesInside(directory, full))
            {
                outcome = SafePaths.Outcome.Inside;
            }

            if (outcome == SafePaths.Outcome.DotDotEscape && SafePaths.IsUnder(directory, full))
            {
                // '..' out of corpus/ but still inside the experiment is allowed, provided no link leads further.
                outcome = SafePaths.ResolvesInside(directory, full) ? SafePaths.Outcome.Inside : SafePaths.Outcome.SymlinkEscape;
            }

            return (outcome, full);
        }

        static bool Exists(string path) => File.Exists(path) || Directory.Exists(path)
            || new[] { NormalizationForm.FormC, NormalizationForm.FormD }
                .Any(form => File.Exists(Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileName(path).Normalize(form))));
    }

    private static CorpusDocument DocumentFromFile(string documentsDirectory, string fullPath)
    {
        var relative = Path.GetRelativePath(documentsDirectory, fullPath).Replace('\\', '/');
        return new CorpusDocument
        {
            DocumentId = Path.ChangeExtension(relative, null)!,
            RelativePath = relative,
            FullPath = fullPath,
        };
    }
}
