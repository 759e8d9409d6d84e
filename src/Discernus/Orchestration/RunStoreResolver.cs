using System.Collections.Concurrent;
using Discernus.Artifacts;

namespace Discernus.Orchestration;

/// <summary>
/// Finds the artifact store a run recorded (by identity) from this process: its own store when the identities match,
/// another local folder store when that folder exists here, otherwise none. A store counts as reached only when it
/// holds the run's probe hash (its framework), so two machines with the same folder path but different contents are
/// never confused.
/// </summary>
internal sealed class RunStoreResolver(IArtifactStore own)
{
    private const string FolderScheme = "folder:";

    private readonly ConcurrentDictionary<string, IArtifactStore> _opened = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _probed = new(StringComparer.Ordinal);

    public IArtifactStore Own => own;

    /// <summary>The run's store, or the reason this process cannot reach it.</summary>
    public async Task<(IArtifactStore? Store, string? Problem)> ResolveAsync(string? identity, string? probeHash, CancellationToken cancellationToken = default)
    {
        var store = string.IsNullOrWhiteSpace(identity) || identity == own.Identity ? own : Open(identity);
        if (store is null)
        {
            return (null, $"the run's artifact store is {identity}, which this process cannot open (its own store is {own.Identity})");
        }

        if (probeHash is null || _probed.ContainsKey(store.Identity + "|" + probeHash))
        {
            return (store, null);
        }

        if (!await store.ExistsAsync(probeHash, cancellationToken).ConfigureAwait(false))
        {
            return (null, $"the run's artifact store {identity ?? own.Identity} does not hold its framework {probeHash} when opened from this machine (a different folder with the same path?)");
        }

        _probed.TryAdd(store.Identity + "|" + probeHash, 0);
        return (store, null);
    }

    private IArtifactStore? Open(string identity)
    {
        if (_opened.TryGetValue(identity, out var opened))
        {
            return opened;
        }

        if (!identity.StartsWith(FolderScheme, StringComparison.Ordinal))
        {
            return null;
        }

        var path = identity[FolderScheme.Length..];
        if (!Path.IsPathFullyQualified(path) || !Directory.Exists(path))
        {
            return null;
        }

        return _opened.GetOrAdd(identity, _ => new HashVerifyingArtifactStore(new FolderArtifactStore(path, pack: true)));
    }
}
