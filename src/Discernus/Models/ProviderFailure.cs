using System.ClientModel;
using System.Net;
using Anthropic.Exceptions;
using Polly.Timeout;

namespace Discernus.Models;

/// <summary>How the gateway reads provider exceptions: HTTP status, whether retrying can help, and a short description.</summary>
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
    /// True for failures a later attempt may not see: no response at all (connection refused or reset),
    /// 408, 409, 429, 5xx, and time-outs. False for the caller's own cancellation and for every other 4xx
    /// (bad key, unknown model, malformed request), which would fail the same way again.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return false;
        }

        if (StatusCode(exception) is { } status)
        {
            return status is 408 or 409 or 429 or >= 500;
        }

        return exception switch
        {
            TimeoutRejectedException => true,
            // The caller did not cancel, so this is an HTTP-level time-out inside the SDK.
            OperationCanceledException => true,
            TimeoutException => true,
            HttpRequestException => true,
            IOException => true,
            AnthropicIOException => true,
            ClientResultException c => c.InnerException is HttpRequestException or IOException or TimeoutException or OperationCanceledException,
            _ => false,
        };
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

        return $"{exception.GetType().Name}: {detail}";
    }

    private static string FirstLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..300] + "...";
    }
}
