namespace Discernus.Tests.Agents;

/// <summary>
/// The most live managed memory seen at the points where <see cref="Sample"/> is called, above a baseline: each sample
/// is a full blocking collection, so it counts what is still referenced, never garbage or timing.
/// </summary>
internal sealed class LiveMemoryMeter
{
    private long _baseline;

    public long MaxGrowth { get; private set; }

    public int Samples { get; private set; }

    public List<string> Log { get; } = [];

    public string Where { get; private set; } = "nowhere";

    public void Start()
    {
        _baseline = GC.GetTotalMemory(forceFullCollection: true);
        MaxGrowth = 0;
        Samples = 0;
    }

    public void Sample(string where)
    {
        // A synthesis writes its tables while the model is asked: samples can come from two threads.
        lock (Log)
        {
            var growth = GC.GetTotalMemory(forceFullCollection: true) - _baseline;
            Samples++;
            Log.Add($"{where}: {growth / 1024 / 1024} MB");
            if (growth > MaxGrowth)
            {
                MaxGrowth = growth;
                Where = where;
            }
        }
    }
}
