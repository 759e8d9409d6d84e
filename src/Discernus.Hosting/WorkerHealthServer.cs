using System.Text.Json;
using Discernus.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Discernus.Hosting;

/// <summary>
/// <c>worker --health-port</c>: <c>/healthz</c> and <c>/readyz</c> on a small Kestrel app bound to every address (a
/// kubelet probes the pod's IP), running the checks of <see cref="WorkerHealth"/> through ASP.NET Core's health check
/// middleware. Healthy and degraded answer 200, unhealthy 503; the body lists each check in JSON. It serves nothing else.
/// </summary>
public sealed class WorkerHealthServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WorkerHealthServer(WebApplication app) => _app = app;

    public static async Task<WorkerHealthServer> StartAsync(IEnumerable<HealthCheckRegistration> registrations, int port, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WorkerHealthServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logging);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.ListenAnyIP(port, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
            kestrel.AddServerHeader = false;
        });
        var checks = builder.Services.AddHealthChecks();
        foreach (var registration in registrations)
        {
            checks.Add(registration);
        }

        var app = builder.Build();
        app.MapHealthChecks(WorkerHealth.LivenessPath, Options(WorkerHealth.LiveTag));
        app.MapHealthChecks(WorkerHealth.ReadinessPath, Options(WorkerHealth.ReadyTag));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new WorkerHealthServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        AllowCachingResponses = false,
    };

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteNumber("duration_ms", report.TotalDuration.TotalMilliseconds);
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteString("description", entry.Description);
            writer.WriteNumber("duration_ms", entry.Duration.TotalMilliseconds);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
