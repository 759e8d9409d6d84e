using Discernus.Application;
using Discernus.Web.Endpoints;
using Discernus.Web.Runs;
using Discernus.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.DependencyInjection;

namespace Discernus.Web;

/// <summary>
/// The web view as two calls, like Hangfire's dashboard: <see cref="AddDiscernusServe"/> registers its services and
/// <see cref="UseDiscernusServe"/> its pipeline. `discernus serve` puts them on Kestrel (<see cref="ServeHost"/>); the
/// endpoint tests put the very same calls on a test server.
/// </summary>
internal static class ServeApp
{
    public static IServiceCollection AddDiscernusServe(this IServiceCollection services, ServeOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(options.Workspace);
        services.AddSingleton(new ProjectPaths(options.ProjectsDirectory));
        services.AddSingleton<RunStores>();
        services.AddSingleton<GoldStore>();
        services.AddSingleton<RunService>();
        services.AddSingleton<ValidationCache>();
        services.AddRouting();
        // A request that runs past its time is cancelled (504), so one slow page cannot hold a connection for ever.
        services.AddRequestTimeouts(o => o.DefaultPolicy = new Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutPolicy { Timeout = options.RequestTimeout });
        services.AddRazorComponents();
        // Antiforgery keys live in memory: a restarted server issues new forms, and nothing is written to the home folder.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "discernus_antiforgery";
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        // A loopback server answers only to loopback host names: a page on another site that rebinds its DNS name
        // to 127.0.0.1 gets 400, not the data. A wider bind is guarded by the token instead.
        services.Configure<HostFilteringOptions>(o =>
        {
            o.AllowedHosts = options.IsLoopback ? [.. ServeSecurity.LoopbackHostNames] : ["*"];
            o.AllowEmptyHosts = false;
            o.IncludeFailureMessage = false;
        });
        return services;
    }

    public static IApplicationBuilder UseDiscernusServe(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<ServeOptions>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseHostFiltering();
        if (!options.IsLoopback)
        {
            if (options.AccessToken is not { Length: >= 32 } token)
            {
                throw new InvalidOperationException($"serving on {options.Host} (not loopback) needs an access token; refusing to start without one");
            }

            app.UseMiddleware<AccessTokenMiddleware>(token);
        }

        app.UseRouting();
        app.UseRequestTimeouts();
        app.UseAntiforgery();
        app.UseEndpoints(ServeEndpoints.Map);
        return app;
    }
}
