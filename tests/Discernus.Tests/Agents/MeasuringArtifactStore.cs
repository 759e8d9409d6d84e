using Discernus.Artifacts;

namespace Discernus.Tests.Agents;

/// <summary>A real store that samples live memory on every write and on every <c>every</c>-th read.</summary>
internal sealed class MeasuringArtifactStore(IArtifactStore inner, LiveMemoryMeter meter, int every) : IArtifactStore
{
    private int _reads;

    public string Description => inner.Description;

    public string Identity => inner.Identity;

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        meter.Sample($"put of {content.Length} bytes");
        return await inner.PutAsync(content, cancellationToken);
    }

    public async Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default)
    {
        meter.Sample($"put of {Path.GetFileName(path)}");
        return await inner.PutFileAsync(path, cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
    {
        if (++_reads % every == 0)
        {
            meter.Sample($"read {_reads}");
        }

        return await inner.GetAsync(hash, cancellationToken);
    }

    public Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default) => inner.GetFileAsync(hash, path, cancellationToken);

    public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default) => inner.ExistsAsync(hash, cancellationToken);

    public Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default) => inner.SetRefAsync(name, hash, cancellationToken);

    public Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default) => inner.GetRefAsync(name, cancellationToken);
}
