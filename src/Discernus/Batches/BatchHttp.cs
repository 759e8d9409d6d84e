using System.Globalization;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace Discernus.Batches;

/// <summary>
/// The HTTP side of a batch API client: one <see cref="HttpClient"/> with the provider's headers, and a Polly retry
/// pipeline for transient failures (no connection, 408, 409, 429, 5xx) with exponential back-off; anything else is a
/// <see cref="BatchApiException"/> naming the call, the status and the provider's message (never a header).
/// </summary>
internal sealed class BatchHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _retry;

    public BatchHttp(Uri baseUrl, Action<HttpClient> configure, TimeProvider timeProvider, int maxRetries, TimeSpan? retryDelay, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        BaseUrl = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromMinutes(10);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("discernus");
        configure(_http);
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

    /// <summary>The API's base, ending in a slash.</summary>
    public Uri BaseUrl { get; }

    public Uri Url(string relative) => new(BaseUrl, relative);

    /// <summary>Sends the request <paramref name="build"/> makes (again on each retry) and reads its JSON answer.</summary>
    public async Task<T> JsonAsync<T>(string what, Func<HttpRequestMessage> build, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
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

    /// <summary>The bytes of a GET (a results or output file).</summary>
    public async Task<byte[]> BytesAsync(string what, Uri url, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await SendOnceAsync(what, request, ct).ConfigureAwait(false);
            return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _http.Dispose();

    public static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<HttpResponseMessage> SendOnceAsync(string what, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BatchApiException($"{what}: cannot reach {BaseUrl.GetLeftPart(UriPartial.Authority)} ({ex.Message})", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BatchApiException($"{what}: no answer from {BaseUrl.GetLeftPart(UriPartial.Authority)} in time", inner: ex);
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
}
