using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Anthropic.Exceptions;
using Polly.Timeout;

namespace Discernus.Models;

/// <summary>
/// How the gateway reads provider exceptions: HTTP status, whether retrying can help, whether the endpoint itself is
/// unusable, how long the provider asked us to wait, and a short description.
/// </summary>
internal static class ProviderFailure
{
    /// <summary>The HTTP status behind an exception from any provider SDK, or null when there was no response.</summary>
    public static int? StatusCode(Exception exception) => exception switch
    {
        ModelCallException m => m.StatusCode,
        ClientResultException c when c.Status > 0 => c.Status,
        AnthropicApiException a => (int)a.StatusCode,
        HttpRequestException { StatusCode: { } status } => (int)status,
        _ => null,
    };

    /// <summary>
    /// True only for failures a later attempt may not see: HTTP 408, 429 (except an exhausted quota), 5xx, time-outs,
    /// and a connection that broke mid-request. False for the caller's own cancellation, for every other 4xx (bad key,
    /// unknown model, malformed request), and for an endpoint that cannot be reached at all (<see cref="EndpointFailureOf"/>).
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested || EndpointFailureOf(exception) is not null)
        {
            return false;
        }

        if (StatusCode(exception) is { } status)
        {
            return status is 408 or 429 or >= 500;
        }

        return exception switch
        {
            TimeoutRejectedException => true,
            // The caller did not cancel, so this is an HTTP-level time-out inside the SDK.
            OperationCanceledException => true,
            TimeoutException => true,
            HttpRequestException => true,
            IOException => true,
            // The SDK could not read the response body as JSON: an answer cut off on the way (a provider killed mid-
            // response, a proxy), not a judgement on the request. (A malformed answer *text* is the validator's business.)
            System.Text.Json.JsonException => true,
            AnthropicIOException => true,
            ClientResultException c => c.InnerException is HttpRequestException or IOException or TimeoutException or OperationCanceledException,
            _ => false,
        };
    }

    /// <summary>HTTP 429 that asks to wait (not an exhausted quota): never a failure of the call, only a reason to wait.</summary>
    public static bool IsRateLimited(Exception exception) => StatusCode(exception) == 429 && EndpointFailureOf(exception) is null;

    /// <summary>
    /// True for what an endpoint that is away answers: no connection (refused, unreachable, DNS), a server error (5xx),
    /// HTTP 408, a time-out or a connection that broke mid-request. A streak of these opens the endpoint's outage breaker
    /// (<see cref="EndpointOutage"/>). False for 429, for every other 4xx and for the caller's own cancellation.
    /// </summary>
    public static bool IsAway(Exception exception, CancellationToken callerToken) =>
        !callerToken.IsCancellationRequested
        && (EndpointFailureOf(exception) is EndpointFailureKind.CannotConnect or EndpointFailureKind.HostNotFound
            || (IsTransient(exception, callerToken) && StatusCode(exception) != 429));

    /// <summary>No connection at all (refused, unreachable, DNS): an endpoint that is down or misconfigured.</summary>
    public static bool IsUnreachable(Exception exception) =>
        EndpointFailureOf(exception) is EndpointFailureKind.CannotConnect or EndpointFailureKind.HostNotFound;

    /// <summary>The kind of failure that makes the endpoint unusable for every call, or null for any other failure.</summary>
    public static EndpointFailureKind? EndpointFailureOf(Exception exception)
    {
        if (exception is ModelCallException call)
        {
            return call.EndpointFailure;
        }

        switch (StatusCode(exception))
        {
            case 401 or 403:
                return EndpointFailureKind.Unauthorized;
            case 404:
                return EndpointFailureKind.UnknownModel;
            case 402:
                return EndpointFailureKind.QuotaExhausted;
            case 429 or 400 when QuotaExhaustedText(ErrorText(exception)):
                return EndpointFailureKind.QuotaExhausted;
            case not null:
                return null;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
            {
                return EndpointFailureKind.HostNotFound;
            }

            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable
                        => EndpointFailureKind.CannotConnect,
                    SocketError.HostNotFound or SocketError.NoData => EndpointFailureKind.HostNotFound,
                    _ => null,
                };
            }
        }

        return null;
    }

    /// <summary>
    /// How long the provider asked the client to wait before retrying (<c>retry-after-ms</c>, else <c>Retry-After</c> in
    /// seconds or as an HTTP date), or null when the response said nothing. Only the OpenAI-protocol SDK exposes headers.
    /// </summary>
    public static TimeSpan? RetryAfter(Exception exception, TimeProvider timeProvider)
    {
        if (exception is not ClientResultException c || c.GetRawResponse() is not { } response)
        {
            return null;
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>A one-line description for logs and error messages (callers redact secrets).</summary>
    public static string Describe(Exception exception)
    {
        if (exception is ModelCallException)
        {
            return exception.Message;
        }

        if (exception is TimeoutRejectedException timeout)
        {
            return $"timed out after {timeout.Timeout.TotalSeconds:0.#} s";
        }

        var detail = FirstLine(exception.Message);
        if (StatusCode(exception) is { } status)
        {
            var reason = Enum.IsDefined(typeof(HttpStatusCode), status) ? $" {(HttpStatusCode)status}" : "";
            return $"HTTP {status}{reason}: {detail}";
        }

        return EndpointFailureOf(exception) switch
        {
            EndpointFailureKind.CannotConnect => $"cannot connect ({InnermostMessage(exception)})",
            EndpointFailureKind.HostNotFound => $"the host name does not resolve ({InnermostMessage(exception)})",
            _ => $"{exception.GetType().Name}: {detail}",
        };
    }

    private static bool QuotaExhaustedText(string text) =>
        text.Contains("insufficient_quota", StringComparison.OrdinalIgnoreCase)
        || text.Contains("credit balance is too low", StringComparison.OrdinalIgnoreCase)
        || text.Contains("exceeded your current quota", StringComparison.OrdinalIgnoreCase);

    // The error body is where providers say why (OpenAI's "insufficient_quota" code); the SDKs keep it in different places.
    private static string ErrorText(Exception exception)
    {
        var text = exception.Message;
        if (exception is ClientResultException c && c.GetRawResponse() is { } response)
        {
            try
            {
                text += " " + response.Content.ToString();
            }
            catch (InvalidOperationException)
            {
                // The body was streamed and is gone; the message is all there is.
            }
        }
        else if (exception is AnthropicApiException a)
        {
            text += " " + a.ResponseBody;
        }

        return text;
    }

    private static string InnermostMessage(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return FirstLine(inner.Message);
    }

    private static string FirstLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..300] + "...";
    }
}
