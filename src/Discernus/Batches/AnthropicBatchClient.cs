using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Discernus.Batches;

/// <summary>
/// Anthropic's Message Batches API: <c>POST /v1/messages/batches</c> (the requests in the call, no upload),
/// <c>GET /v1/messages/batches/{id}</c>, <c>GET /v1/messages/batches</c>, <c>POST /v1/messages/batches/{id}/cancel</c>,
/// and the results at the batch's <c>results_url</c>. A batch is <c>in_progress</c>, <c>canceling</c> or <c>ended</c>;
/// each result line is <c>succeeded</c> (a message with its usage, cache reads and writes included), <c>errored</c>,
/// <c>canceled</c> or <c>expired</c>. Custom ids allow letters, digits, <c>-</c> and <c>_</c> only, so a task id's
/// colons become dashes. The key is sent as <c>x-api-key</c> and never written into a message.
/// </summary>
internal sealed class AnthropicBatchClient(Uri baseUrl, string? apiKey, TimeProvider timeProvider, int maxRetries = 5, TimeSpan? retryDelay = null, HttpMessageHandler? handler = null)
    : IBatchApi
{
    public const string ApiVersion = "2023-06-01";

    private readonly BatchHttp _http = new(baseUrl, http =>
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }

        http.DefaultRequestHeaders.Add("anthropic-version", ApiVersion);
    }, timeProvider, maxRetries, retryDelay, handler);

    public string Protocol => "anthropic";

    public string CustomIdOf(string taskId) => taskId.Replace(':', '-');

    public JsonObject Line(string customId, JsonObject body) => new() { ["custom_id"] = customId, ["params"] = body };

    /// <summary>Anthropic takes the requests in the creation call: nothing to upload.</summary>
    public Task<string?> UploadAsync(byte[] requestFile, string fileName, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task<BatchInfo> CreateAsync(string? inputFileId, byte[] requestFile, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        _http.JsonAsync("creating a message batch", () =>
        {
            var requests = new StringBuilder("{\"requests\":[");
            var first = true;
            foreach (var line in BatchLines.Of(requestFile))
            {
                requests.Append(first ? "" : ",").Append(line);
                first = false;
            }

            return new HttpRequestMessage(HttpMethod.Post, _http.Url("v1/messages/batches"))
            {
                Content = new StringContent(requests.Append("]}").ToString(), Encoding.UTF8, "application/json"),
            };
        }, Read, cancellationToken);

    public Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken) =>
        _http.JsonAsync("reading message batch " + batchId, () => new HttpRequestMessage(HttpMethod.Get, _http.Url("v1/messages/batches/" + Uri.EscapeDataString(batchId))), Read, cancellationToken);

    public Task<IReadOnlyList<BatchInfo>> ListAsync(CancellationToken cancellationToken) =>
        _http.JsonAsync("listing message batches", () => new HttpRequestMessage(HttpMethod.Get, _http.Url("v1/messages/batches?limit=100")),
            json => (IReadOnlyList<BatchInfo>)(json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().Select(Read).ToList() : []),
            cancellationToken);

    public Task<BatchInfo> CancelAsync(string batchId, CancellationToken cancellationToken) =>
        _http.JsonAsync("cancelling message batch " + batchId, () => new HttpRequestMessage(HttpMethod.Post, _http.Url("v1/messages/batches/" + Uri.EscapeDataString(batchId) + "/cancel")), Read, cancellationToken);

    public async Task<IReadOnlyList<BatchResultLine>> ResultsAsync(string batchId, string? outputFileId, string? errorFileId, CancellationToken cancellationToken)
    {
        var url = outputFileId is { } results ? new Uri(results) : _http.Url("v1/messages/batches/" + Uri.EscapeDataString(batchId) + "/results");
        var bytes = await _http.BytesAsync("reading the results of message batch " + batchId, url, cancellationToken).ConfigureAwait(false);
        return BatchLines.Of(bytes).Select(ReadLine).OfType<BatchResultLine>().ToList();
    }

    public void Dispose() => _http.Dispose();

    internal static BatchInfo Read(JsonElement json)
    {
        var counts = json.TryGetProperty("request_counts", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        int Count(string name) => counts.ValueKind == JsonValueKind.Object && counts.TryGetProperty(name, out var n) && n.TryGetInt32(out var v) ? v : 0;
        var status = BatchHttp.Text(json, "processing_status") ?? "unknown";
        return new BatchInfo(
            BatchHttp.Text(json, "id") ?? throw new BatchApiException("a message batch without an id"),
            status,
            null,
            BatchHttp.Text(json, "results_url"),
            null,
            Count("processing") + Count("succeeded") + Count("errored") + Count("canceled") + Count("expired"),
            Count("succeeded"),
            Count("errored") + Count("canceled") + Count("expired"));
    }

    private static BatchResultLine? ReadLine(string line)
    {
        if (BatchLines.Parse(line) is not JsonObject node || node["custom_id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id))
        {
            return null;
        }

        var result = node["result"];
        var type = (string?)result?["type"];
        if (type != "succeeded")
        {
            var error = result?["error"]?["error"] ?? result?["error"];
            return new BatchResultLine(id) { Error = $"{type ?? "no result"} in the batch{((string?)error?["message"] is { } why ? ": " + why : "")}" };
        }

        var message = result!["message"];
        var text = string.Concat((message?["content"]?.AsArray() ?? []).Where(b => (string?)b?["type"] == "text").Select(b => (string?)b!["text"]));
        var usage = message?["usage"];
        long Count(string name) => usage?[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
        var read = Count("cache_read_input_tokens");
        var written = Count("cache_creation_input_tokens");
        return new BatchResultLine(id)
        {
            Text = text,
            ModelId = (string?)message?["model"],
            // As the SDK adapter reports interactive answers: every input token, cache reads and writes included.
            PromptTokens = Count("input_tokens") + read + written,
            CompletionTokens = Count("output_tokens"),
            CachedInputTokens = read,
            CacheWriteTokens = written,
        };
    }
}
