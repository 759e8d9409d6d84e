using System.Collections.Concurrent;

namespace Discernus.Concurrency;

/// <summary>
/// One computation per key, shared by every caller that asks while it runs or after it succeeded: the agent loops of a
/// run all ask for the same framework, connection or embedding at once when it starts. The computation runs without
/// any caller's cancellation (one caller giving up must not fail the others); each caller stops waiting at its own. A
/// computation that fails or is cancelled is forgotten, so the next caller starts it again instead of inheriting the
/// failure for as long as the process lives.
/// </summary>
public sealed class SharedTasks<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _tasks;

    public SharedTasks(IEqualityComparer<TKey>? comparer = null) => _tasks = new ConcurrentDictionary<TKey, Lazy<Task<TValue>>>(comparer);

    /// <summary>Keys whose computation is running or succeeded.</summary>
    public int Count => _tasks.Count;

    /// <summary>The value of <paramref name="key"/>: the running or finished computation's, else one <paramref name="compute"/> starts.</summary>
    public async Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> compute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var shared = _tasks.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => compute(k)));
        try
        {
            return await shared.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (shared.Value.IsFaulted || shared.Value.IsCanceled)
        {
            // Only this very computation is forgotten: a newer one started by another caller stays.
            _tasks.TryRemove(KeyValuePair.Create(key, shared));
            throw;
        }
    }

    /// <summary>The computations started and not forgotten, finished or still running (to dispose what they made).</summary>
    public IEnumerable<Task<TValue>> Started() => _tasks.Values.Where(t => t.IsValueCreated).Select(t => t.Value);

    /// <summary>Forgets every computation (a cache past its size); running ones finish for their callers.</summary>
    public void Clear() => _tasks.Clear();

    /// <summary>Whether <paramref name="key"/> has a running or succeeded computation.</summary>
    public bool Contains(TKey key) => _tasks.ContainsKey(key);
}
