using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Discernus.Web.Security;

/// <summary>The secure defaults of `discernus serve` in one place, each pinned by a test (STYLE §7: Hangfire lost one silently).</summary>
internal static class ServeSecurity
{
    /// <summary>The query parameter that carries the token once; the cookie carries it afterwards.</summary>
    public const string TokenParameter = "token";

    public const string TokenCookie = "discernus_token";

    /// <summary>Host names a loopback server answers to; anything else is refused (a DNS-rebinding page cannot reach it).</summary>
    public static readonly IReadOnlyList<string> LoopbackHostNames = ["localhost", "127.0.0.1", "[::1]"];

    public static bool IsLoopbackHost(string host)
    {
        var trimmed = host.Trim().Trim('[', ']');
        return string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(trimmed, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>256 random bits, URL-safe.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Constant-time comparison, so the token cannot be guessed from response times.</summary>
    public static bool Matches(string? candidate, string token) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// Pages allow only their own scripts, styles and images; the report is shown in a sandboxed frame of the same
    /// origin; nothing may frame the pages from elsewhere or post forms elsewhere.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The sanitised report, inside its frame: no script at all, its own inline styles and images, no requests.</summary>
    public const string ReportContentSecurityPolicy =
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";
}
