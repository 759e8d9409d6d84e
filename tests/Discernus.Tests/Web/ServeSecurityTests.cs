using System.Net;
using Discernus.Tests.Cli;
using Discernus.Tests.Orchestration;
using Discernus.Web;

namespace Discernus.Tests.Web;

/// <summary>
/// The secure defaults of `discernus serve`, one test each, so that a change to any of them fails here (STYLE §7: the
/// Hangfire dashboard once lost its local-only default silently).
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ServeSecurityTests(ServedProjects projects) : IClassFixture<ServedProjects>
{
    [Fact]
    public void ServeCommand_BindsLoopbackByDefault_WithoutToken()
    {
        var parse = Discernus.Cli.DiscernusCli.Build(new CliHarness().Context).Parse(["serve"]);
        var host = parse.CommandResult.Command.Options.Single(o => o.Name == "--host");
        Assert.Equal("127.0.0.1", parse.GetValue<string>(host.Name));
        var options = ServeOptions.For(projects.Root, parse.GetValue<string>(host.Name), 5000, projects.Sandbox.Environment);
        Assert.True(options.IsLoopback);
        Assert.Null(options.AccessToken);
    }

    [Fact]
    public async Task RealServer_ListensOnLoopbackOnly_ByDefault()
    {
        await using var server = await ServeHost.StartAsync(projects.Options());
        Assert.NotEmpty(server.Addresses);
        Assert.All(server.Addresses, a => Assert.True(IPAddress.IsLoopback(IPAddress.Parse(new Uri(a).Host.Trim('[', ']'))), $"{a} is not a loopback address"));
        using var client = new HttpClient();
        var response = await client.GetAsync(server.Addresses[0] + "/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void WiderBind_GetsA256BitToken()
    {
        var options = ServeOptions.For(projects.Root, "0.0.0.0", 5000, projects.Sandbox.Environment);
        Assert.False(options.IsLoopback);
        Assert.NotNull(options.AccessToken);
        Assert.True(options.AccessToken!.Length >= 43, "the token must carry at least 256 random bits");
        Assert.NotEqual(options.AccessToken, ServeOptions.For(projects.Root, "0.0.0.0", 5000, projects.Sandbox.Environment).AccessToken);
    }

    [Fact]
    public async Task WiderBind_RefusesEveryRequestWithoutTheToken()
    {
        using var factory = new ServeFactory(projects.Options("0.0.0.0"));
        var client = factory.Client();
        foreach (var path in new[] { "/", $"/e/{projects.Experiment}", $"/e/{projects.Experiment}/r/{projects.RunId}/report", "/static/app.css", "/nowhere" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/?token=wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/e/{projects.Experiment}/runs", new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task WiderBind_TakesTheTokenOnce_ThenACookie()
    {
        using var factory = new ServeFactory(projects.Options("0.0.0.0"));
        var client = factory.Client();
        var first = await client.GetAsync($"/e/{projects.Experiment}?token={Uri.EscapeDataString(factory.Options.AccessToken!)}");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal($"/e/{projects.Experiment}", first.Headers.Location!.OriginalString);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("discernus_token=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/e/{projects.Experiment}")).StatusCode);

        var bearer = factory.Client();
        bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", factory.Options.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/")).StatusCode);
    }

    [Fact]
    public void WiderBind_WithoutAToken_RefusesToStart()
    {
        using var factory = new ServeFactory(projects.Options("0.0.0.0") with { AccessToken = null });
        var error = Assert.Throws<InvalidOperationException>(() => factory.Client());
        Assert.Contains("needs an access token", error.Message);
    }

    [Fact]
    public async Task LoopbackServer_RefusesOtherHostNames()
    {
        // A page elsewhere that rebinds its DNS name to 127.0.0.1 sends its own name as Host: it gets nothing.
        using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
        var local = new HttpRequestMessage(HttpMethod.Get, "/");
        local.Headers.Host = "127.0.0.1:5000";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(local)).StatusCode);
    }

    [Fact]
    public async Task Pages_CarryAStrictContentSecurityPolicy_AndTheReportASandbox()
    {
        using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var page = await client.GetAsync("/");
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());

        var report = await client.GetAsync($"/e/{projects.Experiment}/r/{projects.RunId}/report");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var reportPolicy = string.Join(";", report.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("sandbox", reportPolicy);
        Assert.DoesNotContain("script-src", reportPolicy);
        var run = await client.GetStringAsync($"/e/{projects.Experiment}/r/{projects.RunId}");
        Assert.Matches("<iframe class=\"report\" sandbox(=\"\")?[ >]", run);
    }

    [Theory]
    [InlineData("/e/..%2F..%2Fetc")]
    [InlineData("/e/..%5C..%5Cetc")]
    [InlineData("/e/nano/r/..%2F..%2F..")]
    [InlineData("/e/nano/r/%2e%2e/report")]
    [InlineData("/e/%2e%2e/r/%2e%2e/report")]
    [InlineData("/e/nano%01/r/x")]
    [InlineData("/static/..%2Fapp.css")]
    [InlineData("/static/Discernus.Web.csproj")]
    public async Task TraversalAttempts_FindNothing(string path)
    {
        using var factory = new ServeFactory(projects.Options());
        var response = await factory.Client().GetAsync(path.Replace("/e/nano/", $"/e/{projects.Experiment}/", StringComparison.Ordinal));
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("root:", body);
    }

    [Fact]
    public async Task SymbolicLinksOutOfTheProjectsFolder_AreRefused()
    {
        // An experiment folder, a run folder and a report that are links to places outside the projects folder.
        using var elsewhere = new Discernus.Tests.Infrastructure.TempFolder();
        var outside = elsewhere.Path;
        var outsideExperiment = Path.Combine(outside, "secret_experiment");
        TempExperimentCopy(projects.Sandbox.ExperimentPath, outsideExperiment);
        var linkedExperiment = Path.Combine(projects.Root, "linked_experiment");
        File.CreateSymbolicLink(linkedExperiment, outsideExperiment);
        var linkedRun = Path.Combine(projects.Sandbox.ExperimentPath, "runs", "linked-run");
        File.CreateSymbolicLink(linkedRun, Path.Combine(outsideExperiment, "runs", projects.RunId));
        try
        {
            using var factory = new ServeFactory(projects.Options());
            var client = factory.Client();
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/e/linked_experiment")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/e/{projects.Experiment}/r/linked-run")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/e/{projects.Experiment}/r/linked-run/report")).StatusCode);
            Assert.DoesNotContain("linked_experiment", await client.GetStringAsync("/"));
        }
        finally
        {
            File.Delete(linkedRun);
            File.Delete(linkedExperiment);
        }
    }

    [Fact]
    public async Task AReportThatIsALinkOutOfTheProjectsFolder_IsNotServed()
    {
        using var elsewhere = new Discernus.Tests.Infrastructure.TempFolder();
        var secret = Path.Combine(elsewhere.Path, "secret.html");
        await File.WriteAllTextAsync(secret, "<p>secret outside the projects folder</p>");
        var copy = Path.Combine(projects.Sandbox.ExperimentPath, "runs", "copied-run");
        TempExperimentCopy(projects.RunFolder, copy);
        var report = Path.Combine(copy, "results", "reports", "report.html");
        File.Delete(report);
        File.CreateSymbolicLink(report, secret);
        try
        {
            using var factory = new ServeFactory(projects.Options());
            var response = await factory.Client().GetAsync($"/e/{projects.Experiment}/r/copied-run/report");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("secret outside", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void TempExperimentCopy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
