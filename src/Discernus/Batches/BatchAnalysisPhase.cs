using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Models;
using Discernus.Provenance;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;

namespace Discernus.Batches;

/// <summary>
/// The analysis stage's batch mode (`run --batch`) for one model, over its provider's <see cref="IBatchApi"/>: writes the
/// requests as JSONL batch files in the run folder (<c>batches/&lt;model&gt;/requests-NNNN.jsonl</c>, split by <see cref="BatchOptions"/>' count and size
/// limits, custom id = task id), records them in <c>submission.json</c> beside them before anything is sent, uploads each
/// file (OpenAI), creates its batch and records the batch id (before the next step), polls every open batch with back-off (a
/// Polly retry pipeline on the result: <see cref="BatchOptions.PollInterval"/> doubling to
/// <see cref="BatchOptions.MaxPollInterval"/>), then downloads the output and error files and stores each answer as a
/// <see cref="BatchAnswer"/>. A run started again (`run --resume`) reads the submission and goes on from where it was:
/// files uploaded are not uploaded again, batches created are picked up by id (and a creation whose answer was lost is
/// found among the provider's batches by its input file), so nothing is submitted twice. Lines that failed, could not
/// be read or are missing become <see cref="BatchLineFailure"/>s: the caller asks them interactively.
/// </summary>
internal sealed class BatchAnalysisPhase(
    IBatchApi client,
    BatchOptions options,
    string runFolder,
    string runId,
    string model,
    IArtifactStore store,
    TimeProvider time,
    Func<BatchSubmission, Task> recorded)
{
    public const string Folder = "batches";
    public const string SubmissionFile = "submission.json";

    private readonly string _relative = RelativeFolder(model);
    private readonly string _folder = Path.Combine(runFolder, RelativeFolder(model));
    private BatchSubmission _submission = null!;

    /// <summary>The submission recorded in a run folder, or null when the run sent no batch.</summary>
    /// <summary>The folder of one model's batches in the run folder, <c>batches/openai_gpt-4o-mini</c>: each model has its own submission.</summary>
    public static string RelativeFolder(string model) =>
        $"{Folder}/{string.Concat(model.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_'))}";

    /// <summary>The submission a model's batches recorded in a run folder, or null when it sent none.</summary>
    public static BatchSubmission? ReadSubmission(string runFolder, string model)
    {
        var path = Path.Combine(runFolder, RelativeFolder(model), SubmissionFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<BatchSubmission>(File.ReadAllBytes(path), DiscernusJson.Indented) : null;
    }

    public async Task<BatchOutcome> RunAsync(IReadOnlyList<BatchItem> items, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_folder);
        _submission = ReadSubmission(runFolder, model) ?? new BatchSubmission { Model = model, Protocol = client.Protocol, CreatedAt = IsoTime.Format(time.GetUtcNow()) };
        var covered = _submission.Chunks.SelectMany(c => c.TaskIds).ToHashSet(StringComparer.Ordinal);
        var fresh = items.Where(i => !covered.Contains(i.TaskId)).ToList();
        if (fresh.Count > 0)
        {
            await PrepareAsync(fresh, cancellationToken).ConfigureAwait(false);
        }

        foreach (var chunk in _submission.Chunks.Where(c => c.BatchId is null).ToList())
        {
            await SubmitAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        await PollAsync(cancellationToken).ConfigureAwait(false);

        var names = items.ToDictionary(i => i.TaskId, i => i.DocumentName, StringComparer.Ordinal);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var failures = new Dictionary<string, BatchLineFailure>(StringComparer.Ordinal);
        foreach (var chunk in _submission.Chunks.ToList())
        {
            var (chunkAnswers, chunkFailures) = await CollectAsync(chunk, names, cancellationToken).ConfigureAwait(false);
            foreach (var (task, hash) in chunkAnswers)
            {
                answers[task] = hash;
            }

            foreach (var failure in chunkFailures)
            {
                failures[failure.TaskId] = failure;
            }
        }

        await SaveAsync(_submission with { Failures = failures.Values.OrderBy(f => f.TaskId, StringComparer.Ordinal).ToList() }).ConfigureAwait(false);
        return new BatchOutcome(answers, [.. failures.Values.Where(f => names.ContainsKey(f.TaskId))]);
    }

    /// <summary>
    /// Cancels every batch of the submission that has not ended (the run was cancelled): answers the provider already
    /// gave stay billed and are kept; a resumed run collects them and asks the rest interactively.
    /// </summary>
    public async Task CancelOpenAsync(CancellationToken cancellationToken)
    {
        _submission ??= ReadSubmission(runFolder, model)!;
        if (_submission is null)
        {
            return;
        }

        foreach (var chunk in _submission.Chunks.Where(c => c.BatchId is not null && !IsFinal(c.Status)).ToList())
        {
            var batch = await client.CancelAsync(chunk.BatchId!, cancellationToken).ConfigureAwait(false);
            await UpdateAsync(chunk, c => c with { Status = batch.Status }).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the request files and records them, before any of them is sent.</summary>
    private async Task PrepareAsync(IReadOnlyList<BatchItem> items, CancellationToken cancellationToken)
    {
        var chunks = _submission.Chunks.ToList();
        FileStream? file = null;
        var ids = new List<string>();
        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        string? path = null;
        try
        {
            foreach (var item in items)
            {
                var request = await item.Build(cancellationToken).ConfigureAwait(false);
                var line = Encoding.UTF8.GetBytes(client.Line(client.CustomIdOf(item.TaskId), request.Body).ToJsonString() + "\n");
                if (file is not null && (ids.Count >= options.MaxRequestsPerFile || file.Length + line.Length > options.MaxBytesPerFile))
                {
                    chunks.Add(await CloseAsync(file, path!, _relative, chunks.Count + 1, ids, prompts).ConfigureAwait(false));
                    file = null;
                    ids = [];
                    prompts = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                if (file is null)
                {
                    path = Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"requests-{chunks.Count + 1:D4}.jsonl"));
                    file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
                }

                await file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                ids.Add(item.TaskId);
                prompts[item.TaskId] = request.PromptHash;
            }

            if (file is not null)
            {
                chunks.Add(await CloseAsync(file, path!, _relative, chunks.Count + 1, ids, prompts).ConfigureAwait(false));
                file = null;
            }
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        await SaveAsync(_submission with { Chunks = chunks }).ConfigureAwait(false);
    }

    private static async Task<BatchChunk> CloseAsync(FileStream file, string path, string relative, int index, List<string> ids, Dictionary<string, string> prompts)
    {
        // Beside the request file: the hash of each task's messages, to match answers with the agent's own requests.
        await File.WriteAllBytesAsync(PromptsPath(path), DiscernusJson.Serialize(prompts), CancellationToken.None).ConfigureAwait(false);
        await file.FlushAsync().ConfigureAwait(false);
        file.Position = 0;
        var hash = await Hashing.Sha256HexAsync(file).ConfigureAwait(false);
        await file.DisposeAsync().ConfigureAwait(false);
        return new BatchChunk { Index = index, File = $"{relative}/{Path.GetFileName(path)}", Sha256 = hash, TaskIds = ids, Status = "prepared" };
    }

    private async Task SubmitAsync(BatchChunk chunk, CancellationToken cancellationToken)
    {
        var path = Path.Combine(runFolder, chunk.File);
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        if (Hashing.Sha256Hex(bytes) != chunk.Sha256)
        {
            throw new InvalidDataException($"{chunk.File} does not match the hash recorded in {_relative}/{SubmissionFile}; it was changed after it was written.");
        }

        if (chunk.InputFileId is null)
        {
            if (await client.UploadAsync(bytes, $"{runId}-{Path.GetFileName(path)}", cancellationToken).ConfigureAwait(false) is { } fileId)
            {
                chunk = await UpdateAsync(chunk, c => c with { InputFileId = fileId, Status = "uploaded" }).ConfigureAwait(false);
            }
        }
        else
        {
            // Uploaded before a restart: the batch may have been created and its answer lost with the process.
            var existing = (await client.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(b => b.InputFileId == chunk.InputFileId);
            if (existing is not null)
            {
                await UpdateAsync(chunk, c => c with { BatchId = existing.Id, Status = existing.Status, SubmittedAt = c.SubmittedAt ?? IsoTime.Format(time.GetUtcNow()) }).ConfigureAwait(false);
                return;
            }
        }

        var batch = await client.CreateAsync(chunk.InputFileId, bytes, new Dictionary<string, string>
        {
            ["discernus_run"] = runId,
            ["discernus_file"] = chunk.File,
        }, cancellationToken).ConfigureAwait(false);
        await UpdateAsync(chunk, c => c with { BatchId = batch.Id, Status = batch.Status, SubmittedAt = IsoTime.Format(time.GetUtcNow()) }).ConfigureAwait(false);
    }

    /// <summary>Looks at every open batch until all are final, waiting longer each time none has finished.</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result == false),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = options.PollInterval,
                MaxDelay = options.MaxPollInterval,
            })
            .Build();
        await pipeline.ExecuteAsync(async ct =>
        {
            foreach (var chunk in _submission.Chunks.Where(c => !IsFinal(c.Status)).ToList())
            {
                var batch = await client.GetAsync(chunk.BatchId!, ct).ConfigureAwait(false);
                if (batch.Status != chunk.Status || batch.Completed != chunk.Completed || batch.Failed != chunk.Failed)
                {
                    await UpdateAsync(chunk, c => c with
                    {
                        Status = batch.Status,
                        Completed = batch.Completed,
                        Failed = batch.Failed,
                        OutputFileId = batch.OutputFileId,
                        ErrorFileId = batch.ErrorFileId,
                    }).ConfigureAwait(false);
                }
            }

            return _submission.Chunks.All(c => IsFinal(c.Status));
        }, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsFinal(string status) => status is "completed" or "ended" or "failed" or "expired" or "cancelled" or "collected";

    private static string PromptsPath(string requestFile) => Path.ChangeExtension(requestFile, ".prompts.json");

    private async Task<(Dictionary<string, string> Answers, List<BatchLineFailure> Failures)> CollectAsync(
        BatchChunk chunk, IReadOnlyDictionary<string, string?> names, CancellationToken cancellationToken)
    {
        var answersPath = Path.Combine(_folder, Path.GetFileNameWithoutExtension(chunk.File).Replace("requests-", "answers-", StringComparison.Ordinal) + ".json");
        if (chunk.Status == "collected" && File.Exists(answersPath))
        {
            var saved = JsonSerializer.Deserialize<CollectedChunk>(await File.ReadAllBytesAsync(answersPath, cancellationToken).ConfigureAwait(false), DiscernusJson.Indented)!;
            return (saved.Answers, [.. saved.Failures]);
        }

        var prompts = JsonSerializer.Deserialize<Dictionary<string, string>>(
            await File.ReadAllBytesAsync(PromptsPath(Path.Combine(runFolder, chunk.File)), cancellationToken).ConfigureAwait(false), DiscernusJson.Indented)!;
        var tasks = chunk.TaskIds.ToDictionary(client.CustomIdOf, t => t, StringComparer.Ordinal);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var failures = new Dictionary<string, BatchLineFailure>(StringComparer.Ordinal);
        BatchLineFailure Fail(string task, string reason) => new(task, names.GetValueOrDefault(task), reason);
        var results = chunk.BatchId is null ? [] : await client.ResultsAsync(chunk.BatchId, chunk.OutputFileId, chunk.ErrorFileId, cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            if (!tasks.TryGetValue(result.CustomId, out var task) || answers.ContainsKey(task))
            {
                continue;
            }

            if (result.Text is { } text)
            {
                failures.Remove(task);
                answers[task] = await store.PutAsync(DiscernusJson.Serialize(new BatchAnswer
                {
                    TaskId = task,
                    PromptHash = prompts[task],
                    Text = text,
                    ModelId = result.ModelId,
                    PromptTokens = result.PromptTokens,
                    CompletionTokens = result.CompletionTokens,
                    CachedInputTokens = result.CachedInputTokens,
                    CacheWriteTokens = result.CacheWriteTokens,
                    BatchId = chunk.BatchId,
                }), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                failures[task] = Fail(task, result.Error ?? "no answer");
            }
        }

        foreach (var task in chunk.TaskIds.Where(t => !answers.ContainsKey(t) && !failures.ContainsKey(t)))
        {
            failures[task] = Fail(task, chunk.Status is "completed" or "ended"
                ? "no readable answer in the batch's output (a line that is not JSON, or none)"
                : $"the batch ended {chunk.Status} before answering it");
        }

        var collected = new CollectedChunk(answers, [.. failures.Values]);
        await File.WriteAllBytesAsync(answersPath, DiscernusJson.Serialize(collected), cancellationToken).ConfigureAwait(false);
        await UpdateAsync(chunk, c => c with { Status = "collected", CollectedAt = IsoTime.Format(time.GetUtcNow()) }).ConfigureAwait(false);
        return (answers, [.. failures.Values]);
    }

    private async Task<BatchChunk> UpdateAsync(BatchChunk chunk, Func<BatchChunk, BatchChunk> change)
    {
        var updated = change(chunk);
        await SaveAsync(_submission with { Chunks = _submission.Chunks.Select(c => c.Index == chunk.Index ? updated : c).ToList() }).ConfigureAwait(false);
        return updated;
    }

    /// <summary>Writes the submission (temporary file, then rename: a crash leaves the old or the new one whole) and reports it.</summary>
    private async Task SaveAsync(BatchSubmission submission)
    {
        _submission = submission;
        var path = Path.Combine(_folder, SubmissionFile);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, DiscernusJson.Serialize(submission), CancellationToken.None).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        await recorded(submission).ConfigureAwait(false);
    }

    private sealed record CollectedChunk(Dictionary<string, string> Answers, IReadOnlyList<BatchLineFailure> Failures);
}
