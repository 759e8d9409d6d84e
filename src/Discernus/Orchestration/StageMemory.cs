namespace Discernus.Orchestration;

/// <summary>
/// Hands the memory of what came before a stage back before the stage builds its own. The GC otherwise keeps that
/// garbage committed: it is long-lived, so it sits in the oldest generation, which is collected only once it has grown by
/// a share of its size, and each stage's peak stacks on the last. A full compacting collection takes a fraction of a
/// second; it is done only where there is much to give back (a large corpus, a large heap).
/// </summary>
internal static class StageMemory
{
    /// <summary>Documents from which a run's per-document state is worth a collection between stages.</summary>
    public const int LargeCorpus = 10_000;

    private const long LargeHeapBytes = 256L * 1024 * 1024;

    /// <summary>One full, compacting collection, the large-object heap included.</summary>
    public static void Release()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    public static void ReleaseForLargeCorpus(int documents)
    {
        if (documents >= LargeCorpus)
        {
            Release();
        }
    }

    /// <summary>For a step that does not know its corpus yet: a collection when the heap holds enough to matter.</summary>
    public static void ReleaseForLargeHeap()
    {
        if (GC.GetTotalMemory(forceFullCollection: false) >= LargeHeapBytes)
        {
            Release();
        }
    }
}
