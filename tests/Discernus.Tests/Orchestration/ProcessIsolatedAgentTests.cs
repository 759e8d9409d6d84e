using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Artifacts;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// The worker side of process isolation against real child processes: small shell scripts stand in for
/// `discernus agent` (they read the task on standard input and answer on standard output as it does), so every way a
/// child can end (an outcome, a thrown failure, a signal, silence, a hang) is produced for real.
/// </summary>
public sealed class ProcessIsolatedAgentTests : IDisposable
{
    private const string RunId = "20260101T000000Z-abc123";
    private const string TaskId = RunId + ":analyse_document:3";
    private static readonly string Contract = $$"""{"task_type":"analyse_document","task_id":"{{TaskId}}","document_hash":"feed"}""";

    private readonly TempFolder _folder = new();
    private readonly RecordingLogger _logger = new();
    private readonly RunRegistry _runs = new(ModelSettings.Empty, new ModelGatewayOptions(), null, TimeProvider.System);

    [Fact]
    public async Task ReturnsTheChildsOutcome_AfterHandingItTheTaskOnStandardInput()
    {
        var agent = Isolated("""
            read -r request
            printf '%s' "$request" > "$OUT/request.json"
            echo "a line that is not a message"
            printf '%s\n' '{"outcome":{"succeeded":true,"result_hash":"abc123"}}'
            """);

        var outcome = await agent.HandleAsync(Contract, CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Equal("abc123", outcome.ResultHash);
        using var request = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder.Path, "request.json")));
        Assert.Equal(Contract, request.RootElement.GetProperty("contract").GetString());
        Assert.Equal(TaskId, request.RootElement.GetProperty("task_id").GetString());
        Assert.Equal("analyse_document", request.RootElement.GetProperty("task_type").GetString());
        Assert.Equal("folder:/store", request.RootElement.GetProperty("artifact_store").GetString());
        Assert.False(request.RootElement.TryGetProperty("run_folder", out _), "the run is not logged by this worker, so no run folder is sent");
    }

    [Fact]
    public async Task FailedOutcome_IsReturned_NotThrown()
    {
        var agent = Isolated("""
            read -r request
            printf '%s\n' '{"outcome":{"succeeded":false,"error":"invalid analyse_document contract: document_hash is missing"}}'
            """);

        var outcome = await agent.HandleAsync(Contract, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("invalid analyse_document contract: document_hash is missing", outcome.Error);
    }

    [Fact]
    public async Task SecretsReachTheChildThroughItsEnvironment_NeverItsCommandLine()
    {
        var environment = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-test-secret-value" };
        var agent = Isolated("""
            read -r request
            printf '%s\n' "$0" "$@" > "$OUT/arguments"
            echo "{\"outcome\":{\"succeeded\":true,\"result_hash\":\"$OPENAI_API_KEY\"}}"
            """, environment: environment);

        var outcome = await agent.HandleAsync(Contract, CancellationToken.None);

        Assert.Equal("sk-test-secret-value", outcome.ResultHash);
        var arguments = await File.ReadAllLinesAsync(Path.Combine(_folder.Path, "arguments"));
        Assert.Equal(["sh", "agent", "analyse_document", TaskId], arguments);
    }

    [Fact]
    public async Task ChildKilledBySignal_IsACrash_NamingTheSignalAndItsErrorOutput()
    {
        var agent = Isolated("""
            read -r request
            echo "Fatal error. Something native went wrong" >&2
            i=1; while [ $i -le 30 ]; do echo "   at frame $i" >&2; i=$((i+1)); done
            kill -SEGV $$
            """);

        var crash = await Assert.ThrowsAsync<AgentProcessException>(() => agent.HandleAsync(Contract, CancellationToken.None));

        Assert.Contains("exit code 139 (signal 11: SIGSEGV", crash.Message, StringComparison.Ordinal);
        Assert.Contains($"for task {TaskId} crashed", crash.Message, StringComparison.Ordinal);
        Assert.Contains("Fatal error. Something native went wrong", crash.Message, StringComparison.Ordinal);
        Assert.Contains("at frame 30", crash.Message, StringComparison.Ordinal);
        Assert.Contains("more line(s)", crash.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("at frame 15 ", crash.Message + " ", StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureTheChildReported_IsThrownWithTheAgentsOwnMessage()
    {
        var agent = Isolated("""
            read -r request
            printf '%s\n' '{"failure":{"type":"ArtifactCorruptedException","message":"artifact 1234 is corrupted: its content hashes to 5678"}}'
            exit 1
            """);

        var failure = await Assert.ThrowsAsync<AgentProcessException>(() => agent.HandleAsync(Contract, CancellationToken.None));

        Assert.Equal("ArtifactCorruptedException: artifact 1234 is corrupted: its content hashes to 5678", failure.Message);
    }

    [Fact]
    public async Task ChildThatExitsZeroWithoutAnOutcome_IsACrash()
    {
        var agent = Isolated("read -r request; exit 0");

        var crash = await Assert.ThrowsAsync<AgentProcessException>(() => agent.HandleAsync(Contract, CancellationToken.None));

        Assert.Contains("exited without reporting an outcome; it wrote nothing on its error output", crash.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChildRunningPastItsTimeLimit_IsKilledWithWhatItStarted_AndCountsAsACrash()
    {
        var pids = Path.Combine(_folder.Path, "pids");
        var agent = Isolated("""
            read -r request
            sleep 600 &
            echo "$$ $!" > "$OUT/pids"
            wait
            """, TimeSpan.FromSeconds(3));

        var clock = Stopwatch.StartNew();
        var crash = await Assert.ThrowsAsync<AgentProcessException>(() => agent.HandleAsync(Contract, CancellationToken.None));

        Assert.Contains("did not finish within 3 s (DISCERNUS_AGENT_TIMEOUT_SECONDS) and was killed", crash.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the hung child was only given up after {clock.Elapsed}");
        foreach (var pid in (await File.ReadAllTextAsync(pids)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await WaitUntilGoneAsync(int.Parse(pid, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task RunLogLinesAndModelCalls_OfTheChild_AreWrittenAndCountedByTheWorker()
    {
        var runFolder = new RunFolder(Path.Combine(_folder.Path, "run"), RunId);
        _runs.Register(new RunLog(runFolder, TimeProvider.System));
        var interaction = new LlmInteraction
        {
            Timestamp = DateTimeOffset.Parse("2026-01-01T00:00:01Z", CultureInfo.InvariantCulture),
            Model = "openai/gpt-4o-mini",
            Provider = "openai",
            PromptHash = new string('a', 64),
            DurationMs = 12,
            Cached = false,
            Attempt = 1,
            TaskId = TaskId,
        };
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "interaction.json"),
            JsonSerializer.Serialize(new AgentProcessMessage { LlmInteraction = interaction }, AgentProcessJsonContext.Default.AgentProcessMessage) + "\n");
        var agent = Isolated("""
            read -r request
            printf '%s' "$request" > "$OUT/request.json"
            printf '%s\n' '{"run_log":{"file":"batch_analysis","line":"{\"message\":\"AnalyseDocumentAgent started\"}"}}'
            printf '%s\n' '{"run_log":{"file":"../outside","line":"{\"message\":\"escape\"}"}}'
            cat "$OUT/interaction.json"
            printf '%s\n' '{"log":{"level":"Warning","message":"the model answered slowly"}}'
            printf '%s\n' '{"outcome":{"succeeded":true,"result_hash":"abc123"}}'
            """);

        await agent.HandleAsync(Contract, CancellationToken.None);

        using var request = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder.Path, "request.json")));
        Assert.Equal(runFolder.Path, request.RootElement.GetProperty("run_folder").GetString());
        Assert.Equal(["{\"message\":\"AnalyseDocumentAgent started\"}"], await File.ReadAllLinesAsync(Path.Combine(runFolder.LogsDirectory, "batch_analysis.jsonl")));
        Assert.False(File.Exists(Path.Combine(runFolder.Path, "outside.jsonl")));
        var recorded = Assert.Single(await File.ReadAllLinesAsync(Path.Combine(runFolder.LogsDirectory, "llm_interactions.jsonl")));
        Assert.Contains($"\"task_id\":\"{TaskId}\"", recorded, StringComparison.Ordinal);
        Assert.Equal(1, _runs.CountsOf(RunId).ProviderRequests);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("the model answered slowly", StringComparison.Ordinal) && e.Text.Contains(RunId, StringComparison.Ordinal));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("unusable line for the log '../outside'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProgramThatCannotBeStarted_IsAFailureNamingTheCommand()
    {
        var agent = new ProcessIsolatedAgent(new NamedAgent(), new AgentProcessRequest.Place("folder:/store", _folder.Path, "host:1"),
            new AgentIsolationOptions { Mode = AgentIsolationMode.Process, Command = new AgentProcessCommand(Path.Combine(_folder.Path, "no-such-program"), []) },
            new Dictionary<string, string?>(), _runs, TimeProvider.System, _logger);

        var failure = await Assert.ThrowsAsync<AgentProcessException>(() => agent.HandleAsync(Contract, CancellationToken.None));

        Assert.Contains("could not start an agent process with", failure.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-program", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _runs.Dispose();
        _folder.Dispose();
    }

    private ProcessIsolatedAgent Isolated(string script, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null) =>
        new(new NamedAgent(), new AgentProcessRequest.Place("folder:/store", _folder.Path, "host:1"),
            new AgentIsolationOptions { Mode = AgentIsolationMode.Process, Timeout = timeout ?? TimeSpan.FromMinutes(2), Command = new AgentProcessCommand("/bin/sh", ["-c", script, "sh"]) },
            new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { ["OUT"] = _folder.Path }, _runs, TimeProvider.System, _logger);

    private static async Task WaitUntilGoneAsync(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (File.Exists($"/proc/{pid}/stat") && !IsZombie(pid))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"process {pid} is still running after the child was killed");
            await Task.Delay(50);
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The agent a worker wraps: only its task type and name are used there; the child runs the real one.</summary>
    private sealed class NamedAgent : IAgent
    {
        public string TaskType => "analyse_document";

        public string Name => "AnalyseDocumentAgent";

        public Task<AgentOutcome> HandleAsync(string contractJson, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a worker with process isolation must never run the agent itself");
    }
}
