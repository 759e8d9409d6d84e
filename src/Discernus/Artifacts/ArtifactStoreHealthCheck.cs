using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Discernus.Artifacts;

/// <summary>
/// The artifact store works: a probe object is stored, read back and looked up. Always the same bytes, so repeated
/// checks (a readiness probe every few seconds, every `discernus doctor`) keep one small object, not one each. Shared by
/// a worker's <c>/readyz</c> and the doctor's "Artifact store" line.
/// </summary>
internal sealed class ArtifactStoreHealthCheck(IArtifactStore store) : IHealthCheck
{
    public const string Name = "artifact_store";

    private static readonly byte[] Probe = "discernus doctor: artifact store round trip\n"u8.ToArray();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hash = await store.PutAsync(Probe, cancellationToken).ConfigureAwait(false);
            var read = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false);
            if (read is null || !read.AsSpan().SequenceEqual(Probe))
            {
                return HealthCheckResult.Unhealthy($"{store.Description}: a probe object was stored but {(read is null ? "could not be read back" : "read back different bytes")}");
            }

            if (!await store.ExistsAsync(hash, cancellationToken).ConfigureAwait(false))
            {
                return HealthCheckResult.Unhealthy($"{store.Description}: a probe object was stored and read back, but the store says it does not exist");
            }

            return HealthCheckResult.Healthy($"{store.Description}: put, get and exists of a probe object");
        }
        catch (Exception ex) when (ex is ArtifactStoreConfigurationException or ArtifactCorruptedException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // ArtifactStoreUnavailableException is an IOException; every message names the place and the setting.
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }
    }
}
