using System.Net;
using Discernus.Cli;
using Discernus.Configuration;
using Discernus.Tests.Experiments;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using Discernus.Tests.Web;
using Discernus.Web;

namespace Discernus.Tests.Cli;

/// <summary>
/// Secrets never echoed: canary keys and passwords go into every setting that holds one, then through the error paths
/// of config, doctor, run, worker and serve (a malformed .env, unreachable Redis and S3, a provider that refuses the key
/// and quotes it back). Nothing those commands print or write (console, run folder, logs, pages) holds a canary, nor
/// any 6 characters of one.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class SecretCanaryTests
{
    private static readonly string[] Canaries =
    [
        "sk-CANARYoQ7x9Zk2mW4openai",
        "sk-ant-CANARYvB3n8Lp5anthropic",
        "CANARYcompatR6t2Yh9",
        "CANARYs3SecretJ4k8Uw",
        "CANARYredisPwE5r7Tq",
        "CANARYgeminiX2c4Vb",
    ];

    private static Dictionary<string, string?> Secrets(string? modelBaseUrl = null) => new()
    {
        ["OPENAI_API_KEY"] = Canaries[0],
        ["ANTHROPIC_API_KEY"] = Canaries[1],
        ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = Canaries[2],
        ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = modelBaseUrl ?? "http://127.0.0.1:9/v1",
        ["DISCERNUS_S3_SECRET_KEY"] = Canaries[3],
        ["GEMINI_API_KEY"] = Canaries[5],
    };

    [Fact]
    public async Task Config_WithMalformedDotEnvAndValues_NeverEchoesASecret()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, ".git"));
        File.WriteAllText(Path.Combine(folder.Path, ".env"), $"OPENAI_API_KEY={Canaries[0]}\nANTHROPIC_API_KEY=\"{Canaries[1]}\nbroken line {Canaries[2]}\n");
        var dotEnv = Record.Exception(() => CliEnvironment.Load(folder.Path));

        var values = Secrets();
        values["DISCERNUS_REDIS_URL"] = $"redis://:{Canaries[4]}@127.0.0.1:1";
        values["DISCERNUS_STALL_TIMEOUT_SECONDS"] = "soon";
        values["DISCERNUS_OPENAI_KEY"] = Canaries[0];
        var cli = new CliHarness(values);
        var exit = await cli.RunAsync("config");
        var json = new CliHarness(values);
        await json.RunAsync("config", "--format", "json");

        Assert.NotNull(dotEnv);
        Assert.NotEqual(0, exit);
        AssertNoCanary(dotEnv.Message, cli.AllText, json.AllText);
    }

    [Fact]
    public async Task Doctor_WithUnreachableRedisStoreAndModel_NeverEchoesASecret()
    {
        var values = Secrets();
        values["DISCERNUS_REDIS_URL"] = $"redis://default:{Canaries[4]}@127.0.0.1:1";
        values["DISCERNUS_ARTIFACT_STORE"] = "s3";
        values["DISCERNUS_S3_ENDPOINT"] = "http://127.0.0.1:9";
        values["DISCERNUS_S3_BUCKET"] = "canary";
        values["DISCERNUS_S3_ACCESS_KEY"] = "canary-access";
        values["DISCERNUS_S3_TIMEOUT_SECONDS"] = "2";
        values["DISCERNUS_MODEL"] = "openai-compatible/canary";
        var cli = new CliHarness(values);

        var exit = await cli.RunAsync("doctor", TestPaths.Project("nano"));
        var json = new CliHarness(values);
        await json.RunAsync("doctor", TestPaths.Project("nano"), "--format", "json");

        Assert.NotEqual(0, exit);
        AssertNoCanary(cli.AllText, json.AllText);
    }

    [Fact]
    public async Task Worker_OnARedisThatIsNotThere_NeverEchoesItsPassword()
    {
        var values = Secrets();
        values["DISCERNUS_REDIS_URL"] = $"redis://:{Canaries[4]}@127.0.0.1:1";
        values["DISCERNUS_REDIS_OUTAGE_SECONDS"] = "1";
        using var logs = new TempFolder();
        values[CliLogging.DirectoryVariable] = logs.Path;
        var cli = new CliHarness(values);

        var exit = await cli.RunAsync("worker").WaitAsync(TimeSpan.FromMinutes(2));

        Assert.NotEqual(0, exit);
        AssertNoCanary([cli.AllText, .. Directory.GetFiles(logs.Path).Select(File.ReadAllText)]);
    }

    [Fact]
    public async Task Run_AgainstAProviderThatQuotesTheKeyBack_NeverEchoesIt()
    {
        await using var server = FakeModelServer.Start();
        server.Handler = request => FakeModelServerResponse.Fault(401, $"Incorrect API key provided: {request.ApiKey}. You can find your API key at https://platform.example.");
        var values = Secrets(server.OpenAIBaseUrl.ToString());
        using var logs = new TempFolder();
        values[CliLogging.DirectoryVariable] = logs.Path;

        // The model call spans carry the failure too (status, error type): they are checked with the logs.
        var spans = Path.Combine(logs.Path, "spans-{pid}.jsonl");
        values[Discernus.Telemetry.TelemetryOptions.SpanFileVariable] = spans;
        using var sandbox = PipelineSandbox.Of("nano", values);

        var run = await sandbox.RunAsync("--model", "openai-compatible/canary");
        Assert.Contains(File.ReadLines(spans.Replace("{pid}", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)),
            line => line.Contains("\"name\":\"chat canary\"", StringComparison.Ordinal) && line.Contains("\"status\":\"Error\"", StringComparison.Ordinal));
        var json = sandbox.NewHarness();
        await json.RunAsync("run", sandbox.ExperimentPath, "--model", "openai-compatible/canary", "--format", "json").WaitAsync(PipelineSandbox.RunLimit);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(server.Requests, r => r.ApiKey == Canaries[2]);
        var written = Directory.EnumerateFiles(sandbox.ExperimentPath, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(logs.Path))
            .Where(f => new FileInfo(f).Length < 10_000_000)
            .Select(f => $"{f}:\n{File.ReadAllText(f)}");
        AssertNoCanary([run.Output, json.AllText, .. written]);
    }

    [Fact]
    public async Task Serve_PagesAndARefusedRunStart_NeverEchoASecret()
    {
        await using var server = FakeModelServer.Start();
        server.Handler = request => FakeModelServerResponse.Fault(401, $"Incorrect API key provided: {request.ApiKey}.");
        using var sandbox = PipelineSandbox.Of("nano", Secrets(server.OpenAIBaseUrl.ToString()));
        var options = ServeOptions.For(Path.GetDirectoryName(sandbox.ExperimentPath)!, null, 0, sandbox.Environment) with { RequestBudget = TimeSpan.FromSeconds(30) };
        await using var factory = new ServeFactory(options);
        var client = factory.Client();
        var experiment = Path.GetFileName(sandbox.ExperimentPath);

        var pages = new List<string> { await client.GetStringAsync("/"), await client.GetStringAsync($"/e/{experiment}") };
        var start = await Forms.PostAsync(client, $"/e/{experiment}/runs",
            [new("__RequestVerificationToken", Forms.Token(pages[1], "start-run")), new("model", "openai-compatible/canary")]);
        pages.Add(await start.Content.ReadAsStringAsync());
        if (start.StatusCode == HttpStatusCode.Redirect && start.Headers.Location is { } location)
        {
            // Let the run meet the refusing provider, then read its page.
            await Task.Delay(TimeSpan.FromSeconds(3));
            pages.Add(await client.GetStringAsync(location));
        }

        AssertNoCanary(pages.ToArray());
    }

    private static void AssertNoCanary(params string[] outputs)
    {
        foreach (var output in outputs)
        {
            foreach (var canary in Canaries)
            {
                // Any six characters in a row of a canary: a message quoting "the last characters read" leaks too.
                for (var i = 0; i + 6 <= canary.Length; i++)
                {
                    var piece = canary.Substring(i, 6);
                    if (piece.All(char.IsAsciiLetterLower) || piece.StartsWith("sk-", StringComparison.Ordinal))
                    {
                        continue; // "openai", "anthropic" and "sk-" are words the output may hold for other reasons.
                    }

                    Assert.False(output.Contains(piece, StringComparison.Ordinal), $"'{piece}' of a canary secret appears in:\n{output}");
                }
            }
        }

        Assert.Equal(SettingCatalog.Masked, SettingCatalog.Display("OPENAI_API_KEY", Canaries[0]));
    }
}
