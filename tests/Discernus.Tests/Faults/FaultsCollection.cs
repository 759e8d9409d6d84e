namespace Discernus.Tests.Faults;

/// <summary>
/// The fault tests start clusters of real processes and time faults against their progress: they run one at a time,
/// after the parallel tests, so that two of them never compete for the machine's two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "fault tests";
}
