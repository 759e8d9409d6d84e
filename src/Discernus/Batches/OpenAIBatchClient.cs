using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;

namespace Discernus.Batches;

/// <summary>
/// The OpenAI Batch API (and servers that copy it): <c>POST /files</c> (purpose <c>batch</c>), <c>POST /batches</c>,
/// <c>GET /batches/{id}</c>, <c>GET /batches</c>, <c>GET /files/{id}/content</c>, <c>POST /batches/{id}/cancel</c>,
/// relative to the model's base URL (which ends in <c>/v1</c>). Transient failures (no connection, 408, 409, 429, 5xx)
/// are retried with exponential back-off (Polly); anything else is a <see cref="BatchApiException"/>. The key is sent as
/// a bearer token and never written into a message.
/// </summary>
internal sealed class OpenAIBatchClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly ResiliencePipeline _retry;

    public OpenAIBatchClient(Uri baseUrl, string? apiKey, TimeProvider timeProvider, int maxRetries = 5, TimeSpan? retryDelay = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _baseUrl = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromMinutes(10);
        if (!string.IsNullOrEmpty(apiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        _http.DefaultRequestHeaders.UserAgent.ParseAdd("discernus");
        _retry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is BatchApiException { IsTransient: true }
                    && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retryDelay ?? TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(30),
            })
            .Build();
    }

    /// <summary>Uploads a request file; returns its file id.</summary>
    public Task<string> UploadAsync(byte[] jsonl, string fileName, CancellationToken cancellationToken) =>
        SendAsync("uploading " + fileName, () =>
        {
            var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
            var file = new ByteArrayContent(jsonl);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(file, "file", fileName);
            return new HttpRequestMessage(HttpMethod.Post, new Uri(_baseUrl, "files")) { Content = form };
        }, json => Text(json, "id") ?? throw new BatchApiException("the file upload's answer has no id"), cancellationToken);

    /// <summary>Creates a batch of a file's chat completions, to finish within 24 h.</summary>
    public Task<BatchInfo> CreateAsync(string inputFileId, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        SendAsync("creating a batch", () =>
        {
            var body = new JsonObject
            {
                ["input_file_id"] = inputFileId,
                ["endpoint"] = "/v1/chat/completions",
                ["completion_window"] = "24h",
                ["metadata"] = new JsonObject(metadata.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))),
            };
            return new HttpRequestMessage(HttpMethod.Post, new Uri(_baseUrl, "batches")) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        }, Read, cancellationToken);

    public Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken) =>
        SendAsync("reading batch " + batchId, () => new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUrl, "batches/" + Uri.EscapeDataString(batchId))), Read, cancellationToken);

    /// <summary>The most recent batches (one page), to find one whose creation answer was lost.</summary>
    public Task<IReadOnlyList<BatchInfo>> ListAsync(CancellationToken cancellationToken) =>
        SendAsync("listing batches", () => new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUrl, "batches?limit=100")),
            json => (IReadOnlyList<BatchInfo>)(json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().Select(Read).ToList() : []),
            cancellationToken);

    public Task<BatchInfo> CancelAsync(string batchId, CancellationToken cancellationToken) =>
        SendAsync("cancelling batch " + batchId, () => new HttpRequestMessage(HttpMethod.Post, new Uri(_baseUrl, "batches/" + Uri.EscapeDataString(batchId) + "/cancel")), Read, cancellationToken);

    /// <summary>The content of an output or error file.</summary>
    public async Task<byte[]> DownloadAsync(string fileId, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUrl, "files/" + Uri.EscapeDataString(fileId) + "/content"));
            using var response = await SendOnceAsync("downloading file " + fileId, request, ct).ConfigureAwait(false);
            return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(string what, Func<HttpRequestMessage> build, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(async ct =>
        {
            using var request = build();
            using var response = await SendOnceAsync(what, request, ct).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            try
            {
                using var json = JsonDocument.Parse(bytes);
                return read(json.RootElement);
            }
            catch (JsonException ex)
            {
                throw new BatchApiException($"{what}: the answer is not JSON ({ex.Message})");
            }
        }, cancellationToken).ConfigureAwait(false);

    private async Task<HttpResponseMessage> SendOnceAsync(string what, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BatchApiException($"{what}: cannot reach {_baseUrl.GetLeftPart(UriPartial.Authority)} ({ex.Message})", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BatchApiException($"{what}: no answer from {_baseUrl.GetLeftPart(UriPartial.Authority)} in time", inner: ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            throw new BatchApiException($"{what}: HTTP {status.ToString(CultureInfo.InvariantCulture)} {ErrorMessage(body)}", status);
        }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && Text(error, "message") is { } message ? message : body[..Math.Min(body.Length, 300)];
        }
        catch (JsonException)
        {
            return body[..Math.Min(body.Length, 300)];
        }
    }

    internal static BatchInfo Read(JsonElement json)
    {
        var counts = json.TryGetProperty("request_counts", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        int Count(string name) => counts.ValueKind == JsonValueKind.Object && counts.TryGetProperty(name, out var n) && n.TryGetInt32(out var v) ? v : 0;
        return new BatchInfo(
            Text(json, "id") ?? throw new BatchApiException("a batch without an id"),
            Text(json, "status") ?? "unknown",
            Text(json, "input_file_id"),
            Text(json, "output_file_id"),
            Text(json, "error_file_id"),
            Count("total"),
            Count("completed"),
            Count("failed"));
    }

    private static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
