namespace Discernus.Tests.Artifacts;

/// <summary>An empty folder under the system temp folder for one store, deleted afterwards.</summary>
internal sealed class TempStoreFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"), "store");

    public void Dispose()
    {
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
