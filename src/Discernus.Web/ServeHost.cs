using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Discernus.Web;

/// <summary>`discernus serve` itself: the app on Kestrel, bound to exactly the host and port asked for (loopback by default).</summary>
public sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServeHost(WebApplication app, IReadOnlyList<string> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>The addresses Kestrel listens on, e.g. <c>http://127.0.0.1:5000</c> (the real port when 0 was asked for).</summary>
    public IReadOnlyList<string> Addresses { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ServeHost> StartAsync(ServeOptions options, ILoggerFactory? logging = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ServeHost).Assembly.GetName().Name, ContentRootPath = options.ProjectsDirectory });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            // The command's own log (a JSONL file per process, warnings on the console), not ASP.NET Core's console logger.
            builder.Services.AddSingleton(logging);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrel(kestrel =>
        {
            if (string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.Listen(IPAddress.Loopback, options.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(options.Host.Trim('[', ']')), options.Port);
            }

            kestrel.AddServerHeader = false;
        });
        builder.Services.AddDiscernusServe(options);
        var app = builder.Build();
        app.UseDiscernusServe();
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        return new ServeHost(app, addresses);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
