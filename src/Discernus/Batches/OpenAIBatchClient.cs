using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Discernus.Batches;

/// <summary>
/// The OpenAI Batch API (and servers that copy it): <c>POST /files</c> (purpose <c>batch</c>), <c>POST /batches</c>,
/// <c>GET /batches/{id}</c>, <c>GET /batches</c>, <c>GET /files/{id}/content</c>, <c>POST /batches/{id}/cancel</c>,
/// relative to the model's base URL (which ends in <c>/v1</c>). The key is sent as a bearer token and never written into
/// a message. Custom ids are the task ids.
/// </summary>
internal sealed class OpenAIBatchClient(Uri baseUrl, string? apiKey, TimeProvider timeProvider, int maxRetries = 5, TimeSpan? retryDelay = null, HttpMessageHandler? handler = null)
    : IBatchApi
{
    private readonly BatchHttp _http = new(baseUrl, http =>
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }, timeProvider, maxRetries, retryDelay, handler);

    public string Protocol => "openai";

    public string CustomIdOf(string taskId) => taskId;

    public JsonObject Line(string customId, JsonObject body) => new()
    {
        ["custom_id"] = customId,
        ["method"] = "POST",
        ["url"] = "/v1/chat/completions",
        ["body"] = body,
    };

    /// <summary>Uploads a request file; returns its file id.</summary>
    public async Task<string?> UploadAsync(byte[] requestFile, string fileName, CancellationToken cancellationToken) =>
        await _http.JsonAsync("uploading " + fileName, () =>
        {
            var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
            var file = new ByteArrayContent(requestFile);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(file, "file", fileName);
            return new HttpRequestMessage(HttpMethod.Post, _http.Url("files")) { Content = form };
        }, json => BatchHttp.Text(json, "id") ?? throw new BatchApiException("the file upload's answer has no id"), cancellationToken).ConfigureAwait(false);

    /// <summary>Creates a batch of an uploaded file's chat completions, to finish within 24 h.</summary>
    public Task<BatchInfo> CreateAsync(string? inputFileId, byte[] requestFile, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        _http.JsonAsync("creating a batch", () =>
        {
            var body = new JsonObject
            {
                ["input_file_id"] = inputFileId ?? throw new ArgumentNullException(nameof(inputFileId), "OpenAI batches are made of an uploaded file"),
                ["endpoint"] = "/v1/chat/completions",
                ["completion_window"] = "24h",
                ["metadata"] = new JsonObject(metadata.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))),
            };
            return new HttpRequestMessage(HttpMethod.Post, _http.Url("batches")) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        }, Read, cancellationToken);

    public Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken) =>
        _http.JsonAsync("reading batch " + batchId, () => new HttpRequestMessage(HttpMethod.Get, _http.Url("batches/" + Uri.EscapeDataString(batchId))), Read, cancellationToken);

    public Task<IReadOnlyList<BatchInfo>> ListAsync(CancellationToken cancellationToken) =>
        _http.JsonAsync("listing batches", () => new HttpRequestMessage(HttpMethod.Get, _http.Url("batches?limit=100")),
            json => (IReadOnlyList<BatchInfo>)(json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().Select(Read).ToList() : []),
            cancellationToken);

    public Task<BatchInfo> CancelAsync(string batchId, CancellationToken cancellationToken) =>
        _http.JsonAsync("cancelling batch " + batchId, () => new HttpRequestMessage(HttpMethod.Post, _http.Url("batches/" + Uri.EscapeDataString(batchId) + "/cancel")), Read, cancellationToken);

    /// <summary>The content of an output or error file.</summary>
    public Task<byte[]> DownloadAsync(string fileId, CancellationToken cancellationToken) =>
        _http.BytesAsync("downloading file " + fileId, _http.Url("files/" + Uri.EscapeDataString(fileId) + "/content"), cancellationToken);

    public async Task<IReadOnlyList<BatchResultLine>> ResultsAsync(string batchId, string? outputFileId, string? errorFileId, CancellationToken cancellationToken)
    {
        var results = new List<BatchResultLine>();
        if (outputFileId is not null)
        {
            results.AddRange(BatchLines.Of(await DownloadAsync(outputFileId, cancellationToken).ConfigureAwait(false)).Select(ReadOutputLine).OfType<BatchResultLine>());
        }

        if (errorFileId is not null)
        {
            results.AddRange(BatchLines.Of(await DownloadAsync(errorFileId, cancellationToken).ConfigureAwait(false)).Select(ReadErrorLine).OfType<BatchResultLine>());
        }

        return results;
    }

    public void Dispose() => _http.Dispose();

    internal static BatchInfo Read(JsonElement json)
    {
        var counts = json.TryGetProperty("request_counts", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        int Count(string name) => counts.ValueKind == JsonValueKind.Object && counts.TryGetProperty(name, out var n) && n.TryGetInt32(out var v) ? v : 0;
        return new BatchInfo(
            BatchHttp.Text(json, "id") ?? throw new BatchApiException("a batch without an id"),
            BatchHttp.Text(json, "status") ?? "unknown",
            BatchHttp.Text(json, "input_file_id"),
            BatchHttp.Text(json, "output_file_id"),
            BatchHttp.Text(json, "error_file_id"),
            Count("total"),
            Count("completed"),
            Count("failed"));
    }

    private static BatchResultLine? ReadOutputLine(string line)
    {
        if (BatchLines.Parse(line) is not { } node || (string?)node["custom_id"] is not { } id)
        {
            return null;
        }

        var response = node["response"];
        var status = response?["status_code"]?.GetValue<int>() ?? 0;
        var body = response?["body"];
        if (status != 200 || body is null)
        {
            var message = (string?)body?["error"]?["message"] ?? (string?)node["error"]?["message"] ?? "no answer";
            return new BatchResultLine(id) { Error = $"HTTP {status} in the batch: {message}" };
        }

        var text = (string?)body["choices"]?[0]?["message"]?["content"];
        var usage = body["usage"];
        return text is null
            ? new BatchResultLine(id) { Error = "the batch answer has no message content" }
            : new BatchResultLine(id)
            {
                Text = text,
                ModelId = (string?)body["model"],
                PromptTokens = usage?["prompt_tokens"]?.GetValue<long>() ?? 0,
                CompletionTokens = usage?["completion_tokens"]?.GetValue<long>() ?? 0,
                CachedInputTokens = usage?["prompt_tokens_details"]?["cached_tokens"]?.GetValue<long>() ?? 0,
            };
    }

    private static BatchResultLine? ReadErrorLine(string line)
    {
        if (BatchLines.Parse(line) is not { } node || (string?)node["custom_id"] is not { } id)
        {
            return null;
        }

        var error = node["error"] ?? node["response"]?["body"]?["error"];
        return new BatchResultLine(id) { Error = $"failed in the batch: {(string?)error?["code"] ?? "error"}: {(string?)error?["message"] ?? "no message"}" };
    }
}
