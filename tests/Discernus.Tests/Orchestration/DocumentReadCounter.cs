using System.Collections.Concurrent;
using System.Diagnostics;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// Counts the reads of corpus documents announced on the <c>Discernus.Documents</c> diagnostic listener, keeping only
/// files under <see cref="Folder"/> so that other tests' reads never count.
/// </summary>
internal sealed class DocumentReadCounter : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Lock _gate = new();

    public DocumentReadCounter(string folder)
    {
        Folder = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public string Folder { get; }

    /// <summary>Reads per full path.</summary>
    public IReadOnlyDictionary<string, int> Reads => _reads;

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == "Discernus.Documents")
        {
            lock (_gate)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == "DocumentRead" && value.Value is string path && path.StartsWith(Folder, StringComparison.Ordinal))
        {
            _reads.AddOrUpdate(path, 1, (_, n) => n + 1);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
