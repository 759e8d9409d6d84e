using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Experiments;

namespace Discernus.Provenance;

/// <summary>
/// RUN SETUP: claims a run folder and stores every input (experiment file, framework, corpus manifest, every document
/// as original and as extracted text, every agent prompt) in the artifact store and under <c>assets/</c>, then writes
/// the manifest with all their hashes and the planned stages.
/// </summary>
internal sealed class RunSetup(IArtifactStore store, TimeProvider timeProvider)
{
    private const string Agent = "RunSetup";

    public async Task<(RunFolder Folder, RunLog Log)> SetUpAsync(RunSetupRequest request, CancellationToken cancellationToken = default)
    {
        var experiment = request.Validation.Experiment
            ?? throw new InvalidOperationException("run setup needs a valid experiment; validate it first");
        var started = timeProvider.GetUtcNow();
        var folder = await new RunFolderAllocator(timeProvider).AllocateAsync(experiment.Directory,
            runId => InitialManifest(runId, experiment, request, started), request.RunId, cancellationToken).ConfigureAwait(false);
        var log = new RunLog(folder, timeProvider);

        try
        {
            LogValidation(log, request.Validation);
            using var lists = new ManifestLists(folder.Path);
            var manifest = await StoreInputsAsync(folder, log, experiment, request, started, lists, cancellationToken).ConfigureAwait(false);
            lists.Complete();
            await folder.WriteManifestAsync(manifest, lists, cancellationToken).ConfigureAwait(false);
            log.Info(StageNames.RunSetup, Agent, $"run folder ready: {lists.Documents} documents, {manifest.Prompts.Count} prompts, {lists.Files} files hashed",
                new Dictionary<string, object?> { ["run_folder"] = folder.Path, ["artifact_store"] = store.Description });
            return (folder, log);
        }
        catch (Exception ex)
        {
            // The folder must never look complete: record why it stopped.
            log.Error(StageNames.RunSetup, Agent, $"run setup failed: {ex.Message}");
            await folder.UpdateManifestAsync(m => m with
            {
                Status = ex is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed,
                Error = $"run setup failed: {ex.Message}",
                FinishedAt = IsoTime.Format(timeProvider.GetUtcNow()),
            }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private RunManifest InitialManifest(string runId, Experiment experiment, RunSetupRequest request, DateTimeOffset started) => new()
    {
        RunId = runId,
        Status = RunStatus.SettingUp,
        CreatedAt = IsoTime.Format(started),
        Experiment = new ManifestExperiment(experiment.Name, experiment.Directory, experiment.Layout.ToString().ToLowerInvariant(),
            Path.GetFileName(experiment.ExperimentFilePath), string.Empty, null),
        Software = new ManifestSoftware("discernus", request.SoftwareVersion, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription),
        Models = request.Models,
        Cost = new ManifestCost { MaxCostUsd = experiment.MaxCostUsd },
        Stages = StageNames.InOrder.Select(s => new ManifestStage { Name = s, Status = RunStatus.Pending }).ToList(),
    };

    /// <summary>Stores every input, listing each document and file in <paramref name="lists"/>; returns the manifest's head.</summary>
    private async Task<RunManifest> StoreInputsAsync(RunFolder folder, RunLog log, Experiment experiment, RunSetupRequest request,
        DateTimeOffset started, ManifestLists lists, CancellationToken cancellationToken)
    {
        async Task<(string Hash, string Asset)> StoreAsync(byte[] bytes, string extension, string role)
        {
            var hash = await store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
            return (hash, await WriteAssetAsync(bytes, hash, extension, role).ConfigureAwait(false));
        }

        async Task<string> WriteAssetAsync(byte[] bytes, string hash, string extension, string role)
        {
            var asset = $"assets/{hash}.{extension}";
            // The run folder is new (claimed by its manifest before anything is written): an asset already there was
            // written, and listed, by this setup, for a document identical to an earlier one.
            var (_, created) = await folder.CreateFileAsync(asset, bytes, cancellationToken).ConfigureAwait(false);
            if (created)
            {
                lists.AddFile(new ManifestFile(asset, hash, role));
            }

            return asset;
        }

        // The store holds what validation read; copying from it never reads a document file again. A plain-text
        // document is its own text (one hash): it is fetched once (one GET from S3) and written once when the two
        // assets have the same name.
        async Task<byte[]> FetchAsync(DocumentReading reading, string hash) =>
            await store.GetAsync(hash, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{reading.File}: the content read at validation ({hash}) is not in the artifact store {store.Description}; run the experiment again");

        async Task<(string Asset, string TextAsset)> CopyDocumentAsync(DocumentReading reading, string extension)
        {
            var bytes = await FetchAsync(reading, reading.Sha256).ConfigureAwait(false);
            var asset = await WriteAssetAsync(bytes, reading.Sha256, extension, "document").ConfigureAwait(false);
            if (reading.TextSha256 == reading.Sha256)
            {
                var sameFile = $"assets/{reading.TextSha256}.txt" == asset;
                return (asset, sameFile ? asset : await WriteAssetAsync(bytes, reading.TextSha256, "txt", "document_text").ConfigureAwait(false));
            }

            var text = await FetchAsync(reading, reading.TextSha256).ConfigureAwait(false);
            return (asset, await WriteAssetAsync(text, reading.TextSha256, "txt", "document_text").ConfigureAwait(false));
        }

        // The bytes checked against validation's hashes are the ones stored: a file changed since cannot slip in.
        async Task<byte[]> SpecificationAsync(string path) =>
            request.SpecificationFiles?.GetValueOrDefault(Path.GetFullPath(path)) ?? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);

        static string Ext(string path) => Path.GetExtension(path).TrimStart('.').ToLowerInvariant() is { Length: > 0 } e ? e : "txt";

        var configBytes = await SpecificationAsync(experiment.ExperimentFilePath).ConfigureAwait(false);
        var config = await StoreAsync(configBytes, Ext(experiment.ExperimentFilePath), "experiment").ConfigureAwait(false);

        var frameworkBytes = await SpecificationAsync(experiment.Framework.FilePath).ConfigureAwait(false);
        var framework = await StoreAsync(frameworkBytes, Ext(experiment.Framework.FilePath), "framework").ConfigureAwait(false);
        log.Info(StageNames.RunSetup, Agent, $"framework '{experiment.Framework.Name}' stored", new Dictionary<string, object?> { ["sha256"] = framework.Hash });

        string? corpusManifestHash = null;
        if (experiment.Corpus.ManifestPath is { } manifestPath)
        {
            var manifestBytes = await SpecificationAsync(manifestPath).ConfigureAwait(false);
            corpusManifestHash = (await StoreAsync(manifestBytes, "md", "corpus_manifest").ConfigureAwait(false)).Hash;
        }

        ManifestGold? gold = null;
        if (experiment.GoldPath is { } goldPath)
        {
            var goldBytes = await SpecificationAsync(goldPath).ConfigureAwait(false);
            var stored = await StoreAsync(goldBytes, Ext(goldPath), "gold").ConfigureAwait(false);
            gold = new ManifestGold(Path.GetRelativePath(experiment.Directory, goldPath).Replace('\\', '/'), stored.Hash, stored.Asset, experiment.Gold.Count);
        }

        var readings = request.Documents;
        if (readings is null)
        {
            var (problems, read) = await DocumentIntake.ReadAsync(experiment, store, null, cancellationToken).ConfigureAwait(false);
            if (problems.FirstOrDefault(f => f.Severity == FindingSeverity.Blocking) is { } problem)
            {
                // Validation passed a moment ago; the file changed since.
                throw new InvalidDataException($"{problem.Location}: {problem.Message} (the file changed after validation)");
            }

            readings = read;
        }

        var corpus = experiment.Corpus.Documents;
        if (readings.Count != corpus.Count)
        {
            throw new InvalidDataException($"validation read {readings.Count} document(s) but the corpus lists {corpus.Count}; run the experiment again");
        }

        for (var i = 0; i < readings.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (document, reading) = (corpus[i], readings[i]);
            if (reading.DocumentId != document.DocumentId || reading.File != document.RelativePath)
            {
                throw new InvalidDataException($"{document.RelativePath}: validation read '{reading.File}' in its place; run the experiment again");
            }

            var (asset, textAsset) = await CopyDocumentAsync(reading, document.Extension).ConfigureAwait(false);
            lists.AddDocument(new ManifestDocument
            {
                DocumentId = document.DocumentId,
                File = document.RelativePath,
                Sha256 = reading.Sha256,
                Asset = asset,
                TextSha256 = reading.TextSha256,
                TextAsset = textAsset,
                Bytes = reading.Bytes,
                Extracted = reading.Extracted,
                Metadata = document.Metadata,
            });
            log.Info(StageNames.RunSetup, Agent, $"document '{document.RelativePath}' stored",
                new Dictionary<string, object?> { ["document_id"] = document.DocumentId, ["sha256"] = reading.Sha256, ["text_sha256"] = reading.TextSha256 });
        }

        var prompts = new List<ManifestPrompt>();
        foreach (var prompt in request.Prompts)
        {
            var stored = await StoreAsync(prompt.Content, Ext(prompt.FileName), "prompt").ConfigureAwait(false);
            prompts.Add(new ManifestPrompt(prompt.Name, stored.Hash, stored.Asset));
        }

        var stages = StageNames.InOrder.Select(s => new ManifestStage { Name = s, Status = RunStatus.Pending }).ToList();
        var now = timeProvider.GetUtcNow();
        stages[0] = request.ValidationStartedAt is { } validated
            ? stages[0] with
            {
                Status = RunStatus.Completed,
                StartedAt = IsoTime.Format(validated),
                FinishedAt = IsoTime.Format(validated + (request.ValidationDuration ?? TimeSpan.Zero)),
                DurationMs = (long)(request.ValidationDuration ?? TimeSpan.Zero).TotalMilliseconds,
            }
            : stages[0] with { Status = RunStatus.Completed, FinishedAt = IsoTime.Format(started) };
        stages[1] = stages[1] with { Status = RunStatus.Completed, StartedAt = IsoTime.Format(started), FinishedAt = IsoTime.Format(now), DurationMs = (long)(now - started).TotalMilliseconds };

        return folder.ReadManifest() with
        {
            Status = RunStatus.Pending,
            Experiment = new ManifestExperiment(experiment.Name, experiment.Directory, experiment.Layout.ToString().ToLowerInvariant(),
                Path.GetFileName(experiment.ExperimentFilePath), config.Hash, config.Asset),
            Framework = new ManifestFramework(experiment.Framework.Name, experiment.Framework.Version, Path.GetFileName(experiment.Framework.FilePath),
                framework.Hash, framework.Asset, experiment.Framework.Dimensions.Select(d => d.Name).ToList(),
                experiment.Framework.DerivedMetrics.Select(d => d.Name).ToList()),
            Corpus = new ManifestCorpus(experiment.Corpus.Name,
                experiment.Corpus.ManifestPath is null ? null : Path.GetRelativePath(experiment.Directory, experiment.Corpus.ManifestPath),
                corpusManifestHash, CorpusHash(corpus.Select((document, i) => (document.DocumentId, readings[i].Sha256))), lists.Documents),
            Gold = gold,
            Prompts = prompts,
            Stages = stages,
        };
    }

    /// <summary>The corpus as a whole: a hash over the sorted (document id, content hash) pairs.</summary>
    public static string CorpusHash(IEnumerable<ManifestDocument> documents) => CorpusHash(documents.Select(d => (d.DocumentId, d.Sha256)));

    /// <inheritdoc cref="CorpusHash(IEnumerable{ManifestDocument})"/>
    public static string CorpusHash(IEnumerable<(string DocumentId, string Sha256)> documents)
    {
        // Line by line: the text hashed is about 80 bytes a document, which as one string of a large corpus was a
        // buffer on the large-object heap doubling to 16 MB at 100,000 documents.
        using var hash = Hashing.Incremental();
        foreach (var document in documents.OrderBy(d => d.DocumentId, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{document.DocumentId}\t{document.Sha256}\n"));
        }

        return Hashing.Hex(hash);
    }

    private static void LogValidation(RunLog log, ValidationReport report)
    {
        foreach (var finding in report.Findings)
        {
            log.Write(StageNames.Validation, "ExperimentReader", finding.Severity == FindingSeverity.Blocking ? "error" : "warning", finding.Message,
                new Dictionary<string, object?> { ["code"] = finding.Code, ["file"] = finding.File, ["field"] = finding.Field, ["line"] = finding.Line, ["fix"] = finding.Fix });
        }

        log.Info(StageNames.Validation, "ExperimentReader",
            $"experiment valid: {report.Experiment!.Corpus.Documents.Count} documents, {report.Experiment.Framework.Dimensions.Count} dimensions, {report.Warnings.Count()} warning(s)");
    }

}
