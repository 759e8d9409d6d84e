namespace Discernus.Artifacts;

internal sealed class ArtifactCorruptedException(string hash, string actual, string location)
    : Exception($"artifact {hash} in {location} is corrupted: its content hashes to {actual}. Delete the object so it is stored again on the next run.")
{
    public string Hash { get; } = hash;
}
