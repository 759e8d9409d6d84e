using System.Collections.Concurrent;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// Runs each example experiment once (lexicon, embedded Garnet, a temp copy, a private artifact store) the first time
/// a test asks for it, so that every property of a run is its own test without paying for the run again.
/// </summary>
public sealed class ExampleRunsFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<(PipelineSandbox Sandbox, PipelineRun Run)>>> _runs = new(StringComparer.Ordinal);

    internal async Task<PipelineRun> RunOfAsync(string project)
    {
        var (_, run) = await _runs.GetOrAdd(project, p => new Lazy<Task<(PipelineSandbox, PipelineRun)>>(() => StartAsync(p))).Value;
        return run;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var run in _runs.Values.Where(r => r.IsValueCreated))
        {
            try
            {
                (await run.Value).Sandbox.Dispose();
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                // The test that asked for the run has reported this already.
            }
        }
    }

    private static async Task<(PipelineSandbox, PipelineRun)> StartAsync(string project)
    {
        var sandbox = PipelineSandbox.Of(project);
        return (sandbox, await sandbox.RunAsync());
    }
}
