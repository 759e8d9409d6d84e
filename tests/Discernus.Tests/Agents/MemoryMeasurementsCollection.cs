namespace Discernus.Tests.Agents;

/// <summary>
/// Tests that measure the live managed heap (<see cref="GC.GetTotalMemory(bool)"/> after a full collection) run alone,
/// after the parallel tests: another test allocating at the same time would be counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementsCollection
{
    public const string Name = "memory measurements";
}
