using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Discernus.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on a free 127.0.0.1 port that speaks the two wire formats the gateway uses:
/// OpenAI chat completions (<c>POST /v1/chat/completions</c>; use <see cref="OpenAIBaseUrl"/>) and Anthropic messages
/// (<c>POST /v1/messages</c>; use <see cref="AnthropicBaseUrl"/>). It answers from a queue of scripted responses
/// (<see cref="Enqueue"/>, <see cref="EnqueueAnswer"/>, <see cref="EnqueueFault"/>), then from <see cref="Handler"/>,
/// then with <see cref="DefaultAnswer"/>; every request is recorded in <see cref="Requests"/>. Streaming is not supported.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<FakeModelServerResponse> _script = new();
    private readonly ConcurrentQueue<FakeModelServerRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _sequence;
    private int _disposed;

    private FakeModelServer(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>Base URL for OpenAI-compatible clients (they append <c>/chat/completions</c>).</summary>
    public Uri OpenAIBaseUrl => new($"http://127.0.0.1:{Port}/v1");

    /// <summary>Base URL for the Anthropic SDK (it appends <c>/v1/messages</c>).</summary>
    public Uri AnthropicBaseUrl => new($"http://127.0.0.1:{Port}");

    /// <summary>Used for requests that find the script queue empty.</summary>
    public Func<FakeModelServerRequest, FakeModelServerResponse>? Handler { get; set; }

    public string DefaultAnswer { get; set; } = "fake answer";

    /// <summary>The requests received so far, in arrival order.</summary>
    public IReadOnlyList<FakeModelServerRequest> Requests => _requests.ToArray();

    /// <param name="port">A port to listen on (a provider coming back where it was), or 0 for a free one.</param>
    public static FakeModelServer Start(int port = 0)
    {
        if (port != 0)
        {
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            return new FakeModelServer(listener, port);
        }

        for (var attempt = 0; ; attempt++)
        {
            port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new FakeModelServer(listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and binding; pick another.
                listener.Close();
            }
        }
    }

    public FakeModelServer Enqueue(FakeModelServerResponse response)
    {
        _script.Enqueue(response);
        return this;
    }

    public FakeModelServer EnqueueAnswer(string text, int promptTokens = 10, int completionTokens = 5) =>
        Enqueue(FakeModelServerResponse.Answer(text, promptTokens, completionTokens));

    public FakeModelServer EnqueueFault(int status, string message = "scripted fault") =>
        Enqueue(FakeModelServerResponse.Fault(status, message));

    public async ValueTask DisposeAsync()
    {
        // A test may stop the server mid-way (a provider killed) and dispose it again at its end.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener ends the accept loop this way.
        }

        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in context.Request.Headers.AllKeys.OfType<string>())
            {
                headers[name] = context.Request.Headers[name] ?? "";
            }

            var request = new FakeModelServerRequest(context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? "/", headers, body)
            {
                ReceivedAt = TimeProvider.System.GetTimestamp(),
            };
            _requests.Enqueue(request);

            var response = _script.TryDequeue(out var scripted) ? scripted
                : Handler?.Invoke(request) ?? FakeModelServerResponse.Answer(DefaultAnswer);
            if (response.Latency > TimeSpan.Zero)
            {
                await Task.Delay(response.Latency, _stop.Token);
            }

            var (status, json) = Render(request, response, Interlocked.Increment(ref _sequence));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in response.Headers)
            {
                context.Response.Headers[name] = value;
            }

            var bytes = Encoding.UTF8.GetBytes(json);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The client may have given up (time-out tests) or the server is stopping; nothing to answer then.
            try
            {
                context.Response.Abort();
            }
            catch (Exception)
            {
                // Already closed.
            }
        }
    }

    private static (int Status, string Json) Render(FakeModelServerRequest request, FakeModelServerResponse response, int sequence)
    {
        var anthropic = request.Protocol == "anthropic";
        if (request.Protocol is null)
        {
            return (404, JsonSerializer.Serialize(new { error = new { message = $"no such endpoint: {request.Method} {request.Path}" } }));
        }

        if (response.IsFault)
        {
            return (response.FaultStatus, anthropic
                ? JsonSerializer.Serialize(new { type = "error", error = new { type = FaultType(response.FaultStatus), message = response.FaultMessage } })
                : JsonSerializer.Serialize(new { error = new { message = response.FaultMessage, type = FaultType(response.FaultStatus), code = (string?)null } }));
        }

        var model = response.ModelId ?? request.Model ?? "unknown";
        var id = sequence.ToString(CultureInfo.InvariantCulture);
        if (anthropic)
        {
            return (200, JsonSerializer.Serialize(new
            {
                id = "msg_" + id,
                type = "message",
                role = "assistant",
                model,
                content = new[] { new { type = "text", text = response.Text ?? "" } },
                stop_reason = "end_turn",
                stop_sequence = (string?)null,
                usage = new
                {
                    input_tokens = response.PromptTokens - response.CachedPromptTokens - response.CacheWriteTokens,
                    output_tokens = response.CompletionTokens,
                    cache_read_input_tokens = response.CachedPromptTokens,
                    cache_creation_input_tokens = response.CacheWriteTokens,
                },
            }));
        }

        return (200, JsonSerializer.Serialize(new
        {
            id = "chatcmpl-" + id,
            @object = "chat.completion",
            created = 1_700_000_000,
            model,
            choices = new[]
            {
                new { index = 0, message = new { role = "assistant", content = response.Text ?? "" }, finish_reason = "stop" },
            },
            usage = new
            {
                prompt_tokens = response.PromptTokens,
                completion_tokens = response.CompletionTokens,
                total_tokens = response.PromptTokens + response.CompletionTokens,
                prompt_tokens_details = new { cached_tokens = response.CachedPromptTokens },
            },
        }));
    }

    private static string FaultType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };
}
