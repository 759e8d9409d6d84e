using Microsoft.AspNetCore.Http;

namespace Discernus.Web.Security;

/// <summary>
/// On a bind wider than loopback every request must carry the access token printed at start (as Jupyter does): once in
/// the query string (<c>?token=...</c>), after which a cookie carries it and the browser is redirected to the same address
/// without the token, so it stays out of the history and of the pages. Anything else is answered 401 with how to get in.
/// On a loopback bind the middleware is not installed at all.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, string token)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Query.TryGetValue(ServeSecurity.TokenParameter, out var offered) && ServeSecurity.Matches(offered.ToString(), token))
        {
            context.Response.Cookies.Append(ServeSecurity.TokenCookie, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
                Path = "/",
                IsEssential = true,
            });
            var rest = string.Join('&', request.Query.Where(q => q.Key != ServeSecurity.TokenParameter)
                .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? string.Empty)}")));
            context.Response.Redirect($"{request.PathBase}{request.Path}{(rest.Length > 0 ? "?" + rest : string.Empty)}");
            return;
        }

        if (ServeSecurity.Matches(request.Cookies[ServeSecurity.TokenCookie], token)
            || (request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
                && ServeSecurity.Matches(header["Bearer ".Length..], token)))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(
            "401: this Discernus server is bound beyond this machine and needs its access token. Open the address with ?token=... that `discernus serve` printed when it started.\n");
    }
}
