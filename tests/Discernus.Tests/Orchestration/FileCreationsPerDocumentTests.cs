namespace Discernus.Tests.Orchestration;

/// <summary>
/// Issue 17: creating files (inodes) was a fifth of a run's CPU, about seven per document. An analysed document may
/// cost at most two: its copy among the run's assets and its result file; every store object goes into a pack.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class FileCreationsPerDocumentTests
{
    [Fact]
    public async Task AnAnalysedDocument_CreatesAtMostTwoFiles()
    {
        // The difference between two corpus sizes, so the files every run creates once (manifest, logs, exports,
        // report) do not count.
        var few = await FilesCreatedByARunAsync(10);
        var many = await FilesCreatedByARunAsync(50);

        var perDocument = (double)(many - few) / (50 - 10);
        Assert.True(perDocument <= 2.0, $"{perDocument:F2} files created per analysed document ({few} for 10 documents, {many} for 50)");
    }

    /// <summary>
    /// Files and folders created in the store and the experiment folder by one run: the larger of what a watcher saw
    /// created (which counts files made and removed again) and what is there afterwards (which counts files made in a
    /// new folder before the watcher reached it).
    /// </summary>
    private static async Task<int> FilesCreatedByARunAsync(int documents)
    {
        using var sandbox = PipelineSandbox.Of("nano");
        SyntheticCorpus.Write(sandbox.ExperimentPath, documents);
        Directory.CreateDirectory(sandbox.ArtifactsDirectory);
        var before = Entries(sandbox.ExperimentPath) + Entries(sandbox.ArtifactsDirectory);
        var created = new CreationCount();
        using var experiment = Watch(sandbox.ExperimentPath, created);
        using var store = Watch(sandbox.ArtifactsDirectory, created);

        var run = await sandbox.RunAsync("--model", "lexicon");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.False(created.Overflowed, "the file-system watcher lost events");
        var after = Entries(sandbox.ExperimentPath) + Entries(sandbox.ArtifactsDirectory);
        return Math.Max(created.Count, after - before);
    }

    private static int Entries(string folder) => Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Length;

    private static FileSystemWatcher Watch(string folder, CreationCount created)
    {
        var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true, InternalBufferSize = 64 * 1024 };
        // Every event, not every path: a file written to a temporary name and renamed is one creation each time.
        watcher.Created += (_, e) =>
        {
            // The manifest is rewritten (to a temporary name in the run folder) on a timer, so how often depends on
            // how long the run took, not on its documents; anything that stays is still counted by the listing.
            if (!(Path.GetFileName(e.FullPath).StartsWith(".tmp-", StringComparison.Ordinal) && Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(e.FullPath))) == "runs"))
            {
                created.Add();
            }
        };
        watcher.Error += (_, _) => created.Overflowed = true;
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private sealed class CreationCount
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool Overflowed { get; set; }

        public void Add() => Interlocked.Increment(ref _count);
    }
}
