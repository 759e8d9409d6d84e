using System.Collections.Concurrent;
using Discernus.Artifacts;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>
/// Finds a run's artifact store the way a worker does: this process's store for the experiment (beside the experiment
/// folders, or DISCERNUS_ARTIFACTS_DIR / DISCERNUS_ARTIFACT_STORE), then the run's recorded identity through
/// <see cref="RunStoreResolver"/>, which only accepts a store holding the run's framework. Stores are opened once.
/// </summary>
public sealed class RunStores(WorkspaceOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, RunStoreResolver> _resolvers = new(StringComparer.Ordinal);

    /// <summary>The run's store, or why it cannot be read from here.</summary>
    public async Task<(IArtifactStore? Store, string? Problem)> ForRunAsync(string experimentFolder, RunManifest manifest, CancellationToken cancellationToken)
    {
        RunStoreResolver resolver;
        try
        {
            var store = options.Settings.StoreFor(experimentFolder);
            var key = store.Backend + "|" + store.FolderPath;
            resolver = _resolvers.GetOrAdd(key, _ => new RunStoreResolver(ArtifactStoreFactory.Create(store)));
        }
        catch (ArtifactStoreConfigurationException ex)
        {
            return (null, ex.Message);
        }

        try
        {
            return await resolver.ResolveAsync(manifest.ArtifactStore, manifest.Framework?.Sha256, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"the artifact store cannot be read: {ex.Message}");
        }
    }

    public void Dispose()
    {
        foreach (var resolver in _resolvers.Values)
        {
            (resolver.Own as IDisposable)?.Dispose();
        }
    }
}
