using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Discernus.FakeLlm;

/// <summary>
/// The simulated provider's OpenAI Files and Batch API, all in memory: <c>POST /v1/files</c> (purpose <c>batch</c>),
/// <c>POST /v1/batches</c>, <c>GET /v1/batches</c>, <c>GET /v1/batches/{id}</c>, <c>POST /v1/batches/{id}/cancel</c> and
/// <c>GET /v1/files/{id}/content</c>. A batch is <c>in_progress</c> until <see cref="FakeLlmOptions.BatchCompletionDelay"/>
/// has passed since its creation, then <c>completed</c> (or <c>expired</c> with <see cref="FakeLlmOptions.BatchExpires"/>:
/// only the first half of its lines answered, the rest in the error file as <c>batch_expired</c>). Each answered line
/// gets the answer an interactive request would (<see cref="FakeLlmAnswers"/>); a seeded share becomes error lines
/// (<see cref="FakeLlmOptions.BatchLineErrorRate"/>) and another share lines that are not JSON
/// (<see cref="FakeLlmOptions.BatchMalformedLineRate"/>).
/// </summary>
internal sealed class FakeLlmBatches(FakeLlmOptions options, TimeProvider time, Func<string, long> cachedTokens)
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeBatch> _batches = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Random _random = new(options.Seed + 7);
    private long _ids;
    private long _submissions;
    private long _uploads;
    private long _lines;

    public long Submissions => Interlocked.Read(ref _submissions);

    public long Uploads => Interlocked.Read(ref _uploads);

    public long Lines => Interlocked.Read(ref _lines);

    public void Map(WebApplication app)
    {
        app.MapPost("/v1/files", (Delegate)UploadAsync);
        app.MapGet("/v1/files/{id}/content", (string id) => _files.TryGetValue(id, out var bytes)
            ? Results.Bytes(bytes, "application/jsonl")
            : Error(404, $"no file {id}"));
        app.MapPost("/v1/batches", (Delegate)CreateAsync);
        app.MapGet("/v1/batches", () => Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(_batches.Values.Where(b => !b.Anthropic).OrderByDescending(b => b.Sequence).Select(b => (JsonNode)Describe(b)).ToArray()),
            ["has_more"] = false,
        }));
        app.MapGet("/v1/batches/{id}", (string id) => _batches.TryGetValue(id, out var batch) ? Results.Json(Describe(batch)) : Error(404, $"no batch {id}"));
        app.MapPost("/v1/messages/batches", (Delegate)CreateMessageBatchAsync);
        app.MapGet("/v1/messages/batches", (HttpContext context) => Results.Json(new JsonObject
        {
            ["data"] = new JsonArray(_batches.Values.Where(b => b.Anthropic).OrderByDescending(b => b.Sequence).Select(b => (JsonNode)DescribeMessageBatch(b, context)).ToArray()),
            ["has_more"] = false,
        }));
        app.MapGet("/v1/messages/batches/{id}", (string id, HttpContext context) => _batches.TryGetValue(id, out var batch) && batch.Anthropic
            ? Results.Json(DescribeMessageBatch(batch, context))
            : Error(404, $"no message batch {id}"));
        app.MapGet("/v1/messages/batches/{id}/results", (string id) => _batches.TryGetValue(id, out var batch) && batch.Anthropic && batch.OutputFileId is { } results
            ? Results.Bytes(_files[results], "application/binary")
            : Error(404, $"no results for message batch {id}"));
        app.MapPost("/v1/messages/batches/{id}/cancel", (string id, HttpContext context) =>
        {
            if (!_batches.TryGetValue(id, out var batch) || !batch.Anthropic)
            {
                return Error(404, $"no message batch {id}");
            }

            lock (_gate)
            {
                batch.Cancelled = true;
            }

            return Results.Json(DescribeMessageBatch(batch, context));
        });
        app.MapPost("/v1/batches/{id}/cancel", (string id) =>
        {
            if (!_batches.TryGetValue(id, out var batch))
            {
                return Error(404, $"no batch {id}");
            }

            lock (_gate)
            {
                batch.Cancelled = true;
            }

            return Results.Json(Describe(batch));
        });
    }

    private async Task<IResult> UploadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form["purpose"] != "batch" || form.Files.GetFile("file") is not { } file)
        {
            return Error(400, "expected multipart form data with purpose=batch and a file");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var id = NewId("file");
        _files[id] = buffer.ToArray();
        Interlocked.Increment(ref _uploads);
        return Results.Json(new { id, @object = "file", bytes = buffer.Length, filename = file.FileName, purpose = "batch", created_at = time.GetUtcNow().ToUnixTimeSeconds() });
    }

    private async Task<IResult> CreateAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var root = body.RootElement;
        if (!root.TryGetProperty("input_file_id", out var input) || input.GetString() is not { } inputId || !_files.TryGetValue(inputId, out var bytes))
        {
            return Error(400, "input_file_id names no uploaded file");
        }

        var metadata = root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object
            ? m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var batch = new FakeBatch(NewId("batch"), Interlocked.Increment(ref _submissions), inputId, lines, metadata, time.GetUtcNow());
        _batches[batch.Id] = batch;
        Interlocked.Add(ref _lines, lines.Length);
        return Results.Json(Describe(batch));
    }

    /// <summary>Anthropic's Message Batches: the requests come in the call, <c>{"requests": [{"custom_id", "params"}]}</c>.</summary>
    private async Task<IResult> CreateMessageBatchAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        if (!body.RootElement.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array || requests.GetArrayLength() == 0)
        {
            return Error(400, "requests: a non-empty list of {custom_id, params} is required");
        }

        var lines = requests.EnumerateArray().Select(r => r.GetRawText()).ToArray();
        var batch = new FakeBatch(NewId("msgbatch"), Interlocked.Increment(ref _submissions), "", lines, new Dictionary<string, string>(StringComparer.Ordinal), time.GetUtcNow())
        {
            Anthropic = true,
        };
        _batches[batch.Id] = batch;
        Interlocked.Add(ref _lines, lines.Length);
        return Results.Json(DescribeMessageBatch(batch, context));
    }

    private JsonObject DescribeMessageBatch(FakeBatch batch, HttpContext context)
    {
        lock (_gate)
        {
            Advance(batch);
            var ended = batch.Status is not "in_progress";
            return new JsonObject
            {
                ["id"] = batch.Id,
                ["type"] = "message_batch",
                ["processing_status"] = ended ? "ended" : batch.Cancelled ? "canceling" : "in_progress",
                ["request_counts"] = new JsonObject
                {
                    ["processing"] = ended ? 0 : batch.Lines.Length,
                    ["succeeded"] = batch.Completed,
                    ["errored"] = batch.Errored,
                    ["canceled"] = batch.Canceled,
                    ["expired"] = batch.Expired,
                },
                ["created_at"] = batch.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["results_url"] = ended ? $"{context.Request.Scheme}://{context.Request.Host}/v1/messages/batches/{batch.Id}/results" : null,
            };
        }
    }

    // Called under _gate.
    private void Advance(FakeBatch batch)
    {
        var due = time.GetUtcNow() - batch.CreatedAt >= options.BatchCompletionDelay;
        if (batch.Status is "in_progress" && (due || batch.Cancelled))
        {
            if (batch.Anthropic)
            {
                FinishMessageBatch(batch);
            }
            else
            {
                Finish(batch);
            }
        }
    }

    private JsonObject Describe(FakeBatch batch)
    {
        lock (_gate)
        {
            Advance(batch);

            var metadata = new JsonObject();
            foreach (var (key, value) in batch.Metadata)
            {
                metadata[key] = value;
            }

            return new JsonObject
            {
                ["id"] = batch.Id,
                ["object"] = "batch",
                ["endpoint"] = "/v1/chat/completions",
                ["input_file_id"] = batch.InputFileId,
                ["completion_window"] = "24h",
                ["status"] = batch.Status,
                ["output_file_id"] = batch.OutputFileId,
                ["error_file_id"] = batch.ErrorFileId,
                ["created_at"] = batch.CreatedAt.ToUnixTimeSeconds(),
                ["request_counts"] = new JsonObject { ["total"] = batch.Lines.Length, ["completed"] = batch.Completed, ["failed"] = batch.Failed },
                ["metadata"] = metadata,
            };
        }
    }

    // Called under _gate: answers the lines, writes the output and error files, sets the final status.
    private void Finish(FakeBatch batch)
    {
        var output = new StringBuilder();
        var errors = new StringBuilder();
        var answered = options.BatchExpires || batch.Cancelled ? batch.Lines.Length / 2 : batch.Lines.Length;
        for (var i = 0; i < batch.Lines.Length; i++)
        {
            var line = JsonNode.Parse(batch.Lines[i])!.AsObject();
            var customId = (string?)line["custom_id"] ?? "";
            var sequence = Interlocked.Increment(ref _ids);
            if (i >= answered)
            {
                batch.Failed++;
                errors.Append(ErrorLine(customId, options.BatchExpires ? "batch_expired" : "batch_cancelled", "This request could not be executed before the batch ended.")).Append('\n');
                continue;
            }

            var (fail, malformed) = (_random.NextDouble() < options.BatchLineErrorRate, _random.NextDouble() < options.BatchMalformedLineRate);
            if (fail)
            {
                batch.Failed++;
                errors.Append(ErrorLine(customId, "server_error", "simulated failure of one batch request")).Append('\n');
                continue;
            }

            if (malformed)
            {
                // Counted as completed by the provider, but the line itself cannot be read.
                batch.Completed++;
                output.Append("{\"id\": \"batch_req_").Append(sequence).Append("\", \"custom_id\": \"").Append(customId).Append("\", \"response\": {\"status_code\": 200, \"body\": {\"choi\n");
                continue;
            }

            var messages = line["body"]!["messages"]!.AsArray();
            var texts = messages.Select(m => (string?)m!["content"] ?? "").ToList();
            var prefix = string.Join('\n', messages.TakeWhile(m => (string?)m!["role"] is "system" or "developer").Select(m => (string?)m!["content"] ?? ""));
            var (text, _) = FakeLlmAnswers.Answer(texts);
            var promptTokens = texts.Sum(FakeLlmAnswers.Tokens);
            var completionTokens = FakeLlmAnswers.Tokens(text);
            batch.Completed++;
            output.Append(new JsonObject
            {
                ["id"] = "batch_req_" + sequence.ToString(CultureInfo.InvariantCulture),
                ["custom_id"] = customId,
                ["response"] = new JsonObject
                {
                    ["status_code"] = 200,
                    ["request_id"] = "req_" + sequence.ToString(CultureInfo.InvariantCulture),
                    ["body"] = new JsonObject
                    {
                        ["id"] = "chatcmpl-fake-batch-" + sequence.ToString(CultureInfo.InvariantCulture),
                        ["object"] = "chat.completion",
                        ["model"] = (string?)line["body"]!["model"] ?? "fake",
                        ["choices"] = new JsonArray(new JsonObject
                        {
                            ["index"] = 0,
                            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                            ["finish_reason"] = "stop",
                        }),
                        ["usage"] = new JsonObject
                        {
                            ["prompt_tokens"] = promptTokens,
                            ["completion_tokens"] = completionTokens,
                            ["total_tokens"] = promptTokens + completionTokens,
                            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cachedTokens(prefix) },
                        },
                    },
                },
                ["error"] = null,
            }.ToJsonString()).Append('\n');
        }

        if (output.Length > 0)
        {
            batch.OutputFileId = NewId("file");
            _files[batch.OutputFileId] = Encoding.UTF8.GetBytes(output.ToString());
        }

        if (errors.Length > 0)
        {
            batch.ErrorFileId = NewId("file");
            _files[batch.ErrorFileId] = Encoding.UTF8.GetBytes(errors.ToString());
        }

        batch.Status = batch.Cancelled ? "cancelled" : options.BatchExpires ? "expired" : "completed";
    }

    // Called under _gate: answers an Anthropic message batch, in its result format.
    private void FinishMessageBatch(FakeBatch batch)
    {
        var results = new StringBuilder();
        var answered = options.BatchExpires || batch.Cancelled ? batch.Lines.Length / 2 : batch.Lines.Length;
        for (var i = 0; i < batch.Lines.Length; i++)
        {
            var request = JsonNode.Parse(batch.Lines[i])!.AsObject();
            var customId = (string?)request["custom_id"] ?? "";
            JsonObject result;
            if (i >= answered)
            {
                result = new JsonObject { ["type"] = options.BatchExpires ? "expired" : "canceled" };
                _ = options.BatchExpires ? batch.Expired++ : batch.Canceled++;
            }
            else if (_random.NextDouble() < options.BatchLineErrorRate)
            {
                batch.Errored++;
                result = new JsonObject { ["type"] = "errored", ["error"] = new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "api_error", ["message"] = "simulated failure of one batch request" } } };
            }
            else if (_random.NextDouble() < options.BatchMalformedLineRate)
            {
                batch.Completed++;
                results.Append("{\"custom_id\": \"").Append(customId).Append("\", \"result\": {\"type\": \"succ\n");
                continue;
            }
            else
            {
                var parameters = request["params"]!;
                var system = string.Join('\n', (parameters["system"] as JsonArray ?? []).Select(b => (string?)b!["text"] ?? ""));
                var texts = new List<string> { system };
                texts.AddRange((parameters["messages"] as JsonArray ?? []).Select(m => m!["content"] is JsonValue v ? v.ToString() : string.Join('\n', m["content"]!.AsArray().Select(b => (string?)b!["text"] ?? ""))));
                var (text, _) = FakeLlmAnswers.Answer(texts);
                var total = texts.Sum(FakeLlmAnswers.Tokens);
                var read = cachedTokens(system);
                var written = read == 0 && FakeLlmAnswers.Tokens(system) >= FakeLlmServer.MinimumCachedPrefix ? FakeLlmAnswers.Tokens(system) : 0;
                batch.Completed++;
                result = new JsonObject
                {
                    ["type"] = "succeeded",
                    ["message"] = new JsonObject
                    {
                        ["id"] = "msg_fake_batch_" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture),
                        ["type"] = "message",
                        ["role"] = "assistant",
                        ["model"] = (string?)parameters["model"] ?? "fake",
                        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
                        ["stop_reason"] = "end_turn",
                        ["usage"] = new JsonObject
                        {
                            ["input_tokens"] = total - read - written,
                            ["output_tokens"] = FakeLlmAnswers.Tokens(text),
                            ["cache_read_input_tokens"] = read,
                            ["cache_creation_input_tokens"] = written,
                        },
                    },
                };
            }

            results.Append(new JsonObject { ["custom_id"] = customId, ["result"] = result }.ToJsonString()).Append('\n');
        }

        batch.OutputFileId = NewId("results");
        _files[batch.OutputFileId] = Encoding.UTF8.GetBytes(results.ToString());
        batch.Status = "ended";
    }

    private static string ErrorLine(string customId, string code, string message) => new JsonObject
    {
        ["id"] = "batch_req_error",
        ["custom_id"] = customId,
        ["response"] = null,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    }.ToJsonString();

    private string NewId(string kind) => $"{kind}-fake-{Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture)}";

    private static IResult Error(int status, string message) =>
        Results.Json(new { error = new { message, type = "invalid_request_error", code = (string?)null } }, statusCode: status);
}
