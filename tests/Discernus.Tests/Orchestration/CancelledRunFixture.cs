using Discernus.Cli;
using Discernus.Tests.Cli;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// One run of political_rhetoric against a slow OpenAI-compatible server (1 s per answer) whose CLI token is cancelled
/// as soon as the first analysis result is written, for <see cref="CancellationTests"/>.
/// </summary>
public sealed class CancelledRunFixture : IAsyncLifetime
{
    private const string Model = "openai-compatible/test-model";
    private static readonly TimeSpan Latency = TimeSpan.FromSeconds(1);

    private FakeModelServer? _server;
    private PipelineSandbox? _sandbox;
    private string? _folder;

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    public int Documents { get; private set; }

    public string Folder => _folder ?? throw new Xunit.Sdk.XunitException($"the run created no run folder (exit {ExitCode})\n{Output}");

    public async Task InitializeAsync()
    {
        _server = FakeModelServer.Start();
        _server.Handler = request => (ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("A synthesis that should never be asked for.")
            : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)))) with
        { Latency = Latency };
        _sandbox = PipelineSandbox.Of("political_rhetoric", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = _server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "sk-dummy",
            ["DISCERNUS_MODEL_MAX_RETRIES"] = "0",
        });
        Documents = RunFolderChecks.CorpusFiles(_sandbox.ExperimentPath).Count;
        var cli = _sandbox.NewHarness();
        using var cancel = new CancellationTokenSource();

        var invocation = DiscernusCli.InvokeAsync(["run", _sandbox.ExperimentPath, "--model", Model], cli.Context, cancel.Token);
        try
        {
            await WaitForFirstResultAsync(_sandbox, invocation, cli);
            await cancel.CancelAsync();
            ExitCode = await invocation.WaitAsync(PipelineSandbox.RunLimit);
        }
        finally
        {
            Output = cli.AllText;
            _folder = _sandbox.FindRunFolder();
        }
    }

    public async Task DisposeAsync()
    {
        _sandbox?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Waits until the Orchestrator has written the first analysis result (the first completion).</summary>
    private static async Task WaitForFirstResultAsync(PipelineSandbox sandbox, Task<int> invocation, CliHarness cli)
    {
        using var limit = new CancellationTokenSource(PipelineSandbox.RunLimit);
        while (true)
        {
            if (sandbox.FindRunFolder() is { } folder && Directory.Exists(Path.Combine(folder, "results", "batch_analysis"))
                && Directory.EnumerateFiles(Path.Combine(folder, "results", "batch_analysis"), "*.json").Any())
            {
                return;
            }

            if (invocation.IsCompleted)
            {
                throw new InvalidOperationException($"the run ended (exit {await invocation}) before any result was written\n{cli.AllText}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token);
        }
    }
}
