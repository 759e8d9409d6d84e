using Discernus.Cli;
using Discernus.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Discernus.Tests.Web;

/// <summary>
/// The serve app on ASP.NET Core's test server: the very <see cref="ServeApp.AddDiscernusServe"/> and
/// <see cref="ServeApp.UseDiscernusServe"/> calls `discernus serve` makes, on a host built here instead of by Kestrel
/// (the entry point type only anchors the factory to the CLI assembly; its Main is never run).
/// </summary>
internal sealed class ServeFactory(ServeOptions options) : WebApplicationFactory<CliContext>
{
    public ServeOptions Options => options;

    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHost(web => web
                .ConfigureServices(services => services.AddDiscernusServe(options))
                .Configure(app => app.UseDiscernusServe()));

    /// <summary>A client that does not follow redirects, so tests see the 302s and their cookies.</summary>
    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}
