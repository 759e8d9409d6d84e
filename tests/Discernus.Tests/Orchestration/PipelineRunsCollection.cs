namespace Discernus.Tests.Orchestration;

/// <summary>
/// Whole pipeline runs, each with its own Redis and 8 agent loops, run one test class at a time and never beside other
/// tests: on a 2-core machine, parallel hosts starve the thread pool (embedded Garnet holds a pool thread per blocked
/// BLMOVE) and turn into 5 s Redis timeouts that have nothing to do with what a test checks. That starvation is
/// tested on its own, deliberately (<see cref="EmbeddedGarnetLoadTests"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PipelineRunsCollection
{
    public const string Name = "pipeline runs";
}
