using System.Net.Sockets;
using Discernus.Application;
using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Experiments;
using Microsoft.Extensions.Logging;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Coordination;

/// <summary>
/// `discernus run` starts the embedded server while it validates the experiment: the host must run on that very
/// server, own it (stop it when disposed), and a server that no run took must not outlive its start.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class EmbeddedGarnetStartTests
{
    [Fact]
    public async Task AHost_RunsOnTheServerStartedBeforeIt_AndStopsItWhenDisposed()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        await using var early = EmbeddedGarnetStart.Begin();
        var endPoint = await early.EndPointAsync();
        var options = new HostOptions { Settings = DiscernusSettings.Defaults, ArtifactsDirectory = experiment.Outside("artifacts"), EmbeddedServer = early };
        await using (var host = await DiscernusHost.StartAsync(options))
        {
            Assert.True(host.Embedded);
            Assert.EndsWith($"127.0.0.1:{endPoint.Port}", host.RedisDescription, StringComparison.Ordinal);
            var (runId, _) = await HostRuns.SubmitAsync(host, experiment.Path);
            var state = await HostRuns.WaitForFinalStateAsync(host, runId);
            Assert.Equal(RunStatus.Completed, state.Status);
        }

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(endPoint.Address, endPoint.Port));
        // The host owns it now: disposing the start as well is harmless.
        await early.DisposeAsync();
    }

    [Fact]
    public async Task AServerNoHostTook_IsStoppedOnDispose()
    {
        var early = EmbeddedGarnetStart.Begin();
        var endPoint = await early.EndPointAsync();
        using (var probe = new TcpClient())
        {
            await probe.ConnectAsync(endPoint.Address, endPoint.Port);
        }

        await early.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(endPoint.Address, endPoint.Port));
        await Assert.ThrowsAsync<InvalidOperationException>(() => early.AdoptAsync(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
    }

    [Fact]
    public async Task EarlyCoordination_StartsNothing_WhenAnExternalRedisIsSet()
    {
        var external = new WorkspaceOptions { Environment = new Dictionary<string, string?> { ["DISCERNUS_REDIS_URL"] = "redis://127.0.0.1:1" } };
        await using var none = EarlyCoordination.Begin(external);
        Assert.Null(none.Server);

        await using var embedded = EarlyCoordination.Begin(new WorkspaceOptions { Environment = new Dictionary<string, string?>() });
        Assert.NotNull(embedded.Server);
    }

    [Fact]
    public void WhatGarnetLogsBeforeTheHostAdoptsIt_ReachesTheHostsLogger_InOrder()
    {
        var held = new EmbeddedGarnetStart.HeldLogger();
        held.LogWarning("first {N}", 1);
        held.LogError("second {N}", 2);
        var target = new ListLogger();
        held.Attach(target);
        held.LogWarning("third {N}", 3);

        Assert.Equal(["Warning first 1", "Error second 2", "Warning third 3"], target.Lines);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel} {formatter(state, exception)}");
    }
}
