using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Discernus.FakeLlm;

/// <summary>
/// A simulated OpenAI-compatible provider on 127.0.0.1 (Kestrel, ASP.NET Core minimal APIs), for benchmarks and fault
/// tests: <c>POST /v1/chat/completions</c> answers after <see cref="FakeLlmOptions.Latency"/> ± jitter with
/// <see cref="FakeLlmAnswers"/>; a request beyond <see cref="FakeLlmOptions.Concurrency"/> in flight gets 429 with
/// <c>Retry-After</c> (seconds) and <c>retry-after-ms</c>; a seeded share of accepted requests gets 500/503, another
/// share of analysis answers is malformed. A system prefix of 1,024 tokens or more seen before is reported as
/// <c>usage.prompt_tokens_details.cached_tokens</c> (OpenAI's prompt caching). The Files and Batch API is served by
/// <see cref="FakeLlmBatches"/>. <c>GET /stats</c> returns <see cref="FakeLlmStats"/>. It never logs what it receives;
/// batch files are kept in memory while it runs, as a provider keeps them.
/// </summary>
public sealed class FakeLlmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeLlmOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private long _requests;
    private long _completions;
    private long _rateLimited;
    private long _serverErrors;
    private long _malformed;
    private long _inFlight;
    private long _maxConcurrent;
    private long _cacheHits;
    private FakeLlmBatches _batches = null!;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _seenPrefixes = new(StringComparer.Ordinal);

    /// <summary>The shortest prefix a provider caches (OpenAI: 1,024 tokens).</summary>
    public const int MinimumCachedPrefix = 1024;

    private FakeLlmServer(WebApplication app, FakeLlmOptions options, TimeProvider time)
    {
        _app = app;
        _options = options;
        _time = time;
        _random = new Random(options.Seed);
    }

    /// <summary>The base URL clients use (<c>DISCERNUS_OPENAI_COMPATIBLE_BASE_URL</c>), ending in <c>/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public int Port => BaseUrl.Port;

    public FakeLlmStats Stats => new()
    {
        Requests = Interlocked.Read(ref _requests),
        Completions = Interlocked.Read(ref _completions),
        RateLimited = Interlocked.Read(ref _rateLimited),
        ServerErrors = Interlocked.Read(ref _serverErrors),
        Malformed = Interlocked.Read(ref _malformed),
        MaxConcurrent = Interlocked.Read(ref _maxConcurrent),
        InFlight = Interlocked.Read(ref _inFlight),
        PromptCacheHits = Interlocked.Read(ref _cacheHits),
        BatchSubmissions = _batches.Submissions,
        BatchFileUploads = _batches.Uploads,
        BatchLines = _batches.Lines,
    };

    public static async Task<FakeLlmServer> StartAsync(FakeLlmOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var server = new FakeLlmServer(app, options, timeProvider ?? TimeProvider.System);
        app.MapPost("/v1/chat/completions", server.CompleteAsync);
        server._batches = new FakeLlmBatches(options, server._time, server.CachedTokens);
        server._batches.Map(app);
        app.MapGet("/stats", () => Results.Json(server.Stats));
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "fake", @object = "model", owned_by = "discernus" } } }));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), "/v1");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var sequence = Interlocked.Increment(ref _requests);
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            if (inFlight > _options.Concurrency)
            {
                await RateLimitAsync(context, $"simulated rate limit: more than {_options.Concurrency} requests in flight").ConfigureAwait(false);
                return;
            }

            UpdateMax(inFlight);
            var (messages, model, prefix) = await ReadRequestAsync(context).ConfigureAwait(false);
            if (messages is null)
            {
                await WriteErrorAsync(context, 400, "invalid_request_error", "the body is not a chat completions request with messages").ConfigureAwait(false);
                return;
            }

            var (rateLimited, failure, malformed, delay) = Draw();
            if (rateLimited)
            {
                await RateLimitAsync(context, "simulated rate limit: the quota is used up for now").ConfigureAwait(false);
                return;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, context.RequestAborted).ConfigureAwait(false);
            }

            if (failure is { } status)
            {
                Interlocked.Increment(ref _serverErrors);
                await WriteErrorAsync(context, status, "server_error", "simulated server error").ConfigureAwait(false);
                return;
            }

            var (text, isAnalysis) = FakeLlmAnswers.Answer(messages);
            if (isAnalysis && malformed)
            {
                Interlocked.Increment(ref _malformed);
                text = FakeLlmAnswers.Malformed(sequence);
            }

            Interlocked.Increment(ref _completions);
            var promptTokens = messages.Sum(FakeLlmAnswers.Tokens);
            var completionTokens = FakeLlmAnswers.Tokens(text);
            var cachedTokens = CachedTokens(prefix);
            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-fake-" + sequence.ToString(CultureInfo.InvariantCulture),
                @object = "chat.completion",
                created = _time.GetUtcNow().ToUnixTimeSeconds(),
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
                usage = new
                {
                    prompt_tokens = promptTokens,
                    completion_tokens = completionTokens,
                    total_tokens = promptTokens + completionTokens,
                    prompt_tokens_details = new { cached_tokens = cachedTokens },
                },
            }, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its time-out); there is no one to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RateLimitAsync(HttpContext context, string message)
    {
        Interlocked.Increment(ref _rateLimited);
        var wait = _options.Latency > TimeSpan.Zero ? _options.Latency : TimeSpan.FromMilliseconds(50);
        context.Response.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["retry-after-ms"] = ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await WriteErrorAsync(context, 429, "rate_limit_exceeded", message).ConfigureAwait(false);
    }

    private (bool RateLimited, int? Failure, bool Malformed, TimeSpan Delay) Draw()
    {
        lock (_randomGate)
        {
            // Drawn first and always, so adding rate limits to a seeded set-up shifts no other draw's meaning.
            var rateLimited = _random.NextDouble() < _options.RateLimitRate;
            int? failure = _random.NextDouble() < _options.ErrorRate ? (_random.Next(2) == 0 ? 500 : 503) : null;
            var malformed = _random.NextDouble() < _options.MalformedRate;
            var jitter = _options.Jitter.TotalMilliseconds * ((_random.NextDouble() * 2) - 1);
            var delay = TimeSpan.FromMilliseconds(Math.Max(0, _options.Latency.TotalMilliseconds + jitter));
            return (rateLimited, failure, malformed, delay);
        }
    }

    private void UpdateMax(long inFlight)
    {
        var max = Interlocked.Read(ref _maxConcurrent);
        while (inFlight > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxConcurrent, inFlight, max);
            if (seen == max)
            {
                return;
            }

            max = seen;
        }
    }

    /// <summary>
    /// Prompt caching as OpenAI does it: a prefix (here: the leading system messages) of at least 1,024 tokens that an
    /// earlier request already sent is read from the cache, counted in steps of 128 tokens.
    /// </summary>
    private long CachedTokens(string prefix)
    {
        var tokens = FakeLlmAnswers.Tokens(prefix);
        if (prefix.Length == 0 || tokens < MinimumCachedPrefix || _seenPrefixes.TryAdd(FakeLlmAnswers.Fingerprint(prefix), 0))
        {
            return 0;
        }

        Interlocked.Increment(ref _cacheHits);
        return tokens / 128 * 128;
    }

    private static async Task<(IReadOnlyList<string>? Messages, string Model, string Prefix)> ReadRequestAsync(HttpContext context)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            var root = body.RootElement;
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "fake";
            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                return (null, model, "");
            }

            var texts = new List<string>();
            var prefix = new System.Text.StringBuilder();
            var leading = true;
            foreach (var message in messages.EnumerateArray())
            {
                var system = message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && role.GetString() is "system" or "developer";
                leading &= system;
                var before = texts.Count;
                if (!message.TryGetProperty("content", out var content))
                {
                    continue;
                }

                if (content.ValueKind == JsonValueKind.String)
                {
                    texts.Add(content.GetString()!);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    texts.AddRange(content.EnumerateArray()
                        .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                        .Select(p => p.GetProperty("text").GetString()!));
                }

                if (leading)
                {
                    prefix.AppendJoin('\n', texts.Skip(before));
                }
            }

            return (texts, model, prefix.ToString());
        }
        catch (JsonException)
        {
            return (null, "fake", "");
        }
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { message, type, code = type } }, context.RequestAborted);
    }
}
