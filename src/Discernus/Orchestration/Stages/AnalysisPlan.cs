using System.Text.Json;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// Every analysis of a run, in the order model → run → document, computed from its position: the task at index i is
/// the (i+1)-th, its id <c>{run_id}:analyse_document:{i+1}</c>, its model, run and document follow from i. Ids are a
/// pure function of the manifest, so the pre-test, the full run and an Orchestrator that adopts the run plan the same
/// ones. Per document the plan keeps only what a contract needs: file name, id, the text's hash as 32 bytes, and its
/// metadata as shared strings (about 150 bytes a document instead of the 600 a task object, its contract closure, its
/// id string and a dictionary entry cost: 600 MB at a million documents).
/// </summary>
internal sealed class AnalysisPlan : TaskPlan
{
    private const int HashBytes = 32;

    private readonly RunContext _run;
    private readonly string _runId;
    private readonly string _promptHash;
    private readonly string _frameworkHash;
    private readonly IReadOnlyList<string> _models;
    private readonly int _runsPerModel;
    private readonly string[] _files;
    private readonly string[] _documentIds;
    private readonly byte[] _textHashes;

    // Key, value, key, value… in the manifest's order; documents with the same metadata share one array.
    private readonly string[][] _metadata;

    private AnalysisPlan(RunContext run, string[] files, string[] documentIds, byte[] textHashes, string[][] metadata)
    {
        (_run, _files, _documentIds, _textHashes, _metadata) = (run, files, documentIds, textHashes, metadata);
        _runId = run.Folder.RunId;
        _promptHash = run.PromptHash(PromptLibrary.AnalyseDocument);
        _frameworkHash = run.Manifest.Framework!.Sha256;
        _models = run.Models.Names;
        _runsPerModel = run.Models.RunsPerModel;
        Count = checked(files.Length * _models.Count * _runsPerModel);
    }

    public override int Count { get; }

    /// <summary>The documents of the plan, in the manifest's order.</summary>
    public int Documents => _files.Length;

    public override PlannedTask this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var documents = _files.Length;
            var (model, runNumber, document) = (_models[index / (documents * _runsPerModel)], (index / documents % _runsPerModel) + 1, index % documents);
            var taskId = TaskId(index);
            return new PlannedTask(taskId, traceparent => Contract(taskId, model, runNumber, document, traceparent), _files[document], model);
        }
    }

    /// <summary>Reads the run's documents from its manifest, one entry at a time, into a plan.</summary>
    public static AnalysisPlan Read(RunContext run)
    {
        var capacity = run.Manifest.Corpus?.DocumentCount ?? 0;
        var (files, ids, metadata) = (new List<string>(capacity), new List<string>(capacity), new List<string[]>(capacity));
        var hashes = new List<byte>(capacity * HashBytes);
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var sharedMetadata = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string Shared(string value) => strings.TryGetValue(value, out var shared) ? shared : strings[value] = value;

        run.Folder.ReadDocuments(document =>
        {
            files.Add(document.File);
            ids.Add(document.DocumentId);
            if (!Content.Hashing.IsSha256Hex(document.TextSha256))
            {
                throw new RunFailedException($"the manifest's entry for {document.File} has no SHA-256 of its text (text_sha256 is '{document.TextSha256}'): the run folder was edited or damaged; start a new run");
            }

            hashes.AddRange(Convert.FromHexString(document.TextSha256));
            var pairs = document.Metadata.SelectMany(kv => new[] { kv.Key, kv.Value }).ToArray();
            // A separator no YAML scalar of the corpus manifest can hold keeps two different lists apart.
            var key = string.Join('\u0000', pairs);
            if (!sharedMetadata.TryGetValue(key, out var shared))
            {
                shared = sharedMetadata[key] = [.. pairs.Select(Shared)];
            }

            metadata.Add(shared);
        });

        return new AnalysisPlan(run, [.. files], [.. ids], [.. hashes], [.. metadata]);
    }

    public override string TaskId(int index) => TaskIds.Build(_runId, TaskTypes.AnalyseDocument, index + 1);

    public override int IndexOf(string taskId) =>
        TaskIds.TryParse(taskId, out var parts) && parts.RunId == _runId && parts.TaskType == TaskTypes.AnalyseDocument && parts.Number >= 1 && parts.Number <= Count
            && TaskId(parts.Number - 1) == taskId
            ? parts.Number - 1
            : -1;

    private string Contract(string taskId, string model, int runNumber, int document, string? traceparent) => CoordinationJson.Serialize(new AnalyseDocumentTask
    {
        RunId = _runId,
        TaskId = taskId,
        FrameworkHash = _frameworkHash,
        DocumentHash = Convert.ToHexStringLower(_textHashes, document * HashBytes, HashBytes),
        DocumentName = _files[document],
        PromptHash = _promptHash,
        Model = model,
        Params = new AnalysisParams
        {
            Run = runNumber,
            AnalysisVariant = _run.Models.AnalysisVariant,
            CorpusDocumentId = _documentIds[document],
            Cache = _run.Models.Cache == Models.CacheModes.Refresh ? Models.CacheModes.Refresh : null,
            Extra = new Dictionary<string, JsonElement> { ["metadata"] = JsonSerializer.SerializeToElement(MetadataOf(document)) },
        },
        Traceparent = traceparent,
    });

    private Dictionary<string, string> MetadataOf(int document)
    {
        var pairs = _metadata[document];
        var metadata = new Dictionary<string, string>(pairs.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i < pairs.Length; i += 2)
        {
            metadata[pairs[i]] = pairs[i + 1];
        }

        return metadata;
    }
}
