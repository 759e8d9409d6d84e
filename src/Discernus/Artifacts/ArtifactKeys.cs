using Discernus.Content;

namespace Discernus.Artifacts;

internal static class ArtifactKeys
{
    public static void EnsureValid(string hash)
    {
        if (!Hashing.IsSha256Hex(hash))
        {
            throw new ArgumentException($"'{hash}' is not a lowercase hex SHA-256 artifact key", nameof(hash));
        }
    }

    /// <summary>Ref names become file or object names: keep them to a safe alphabet.</summary>
    public static void EnsureValidRef(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 200 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/') || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid artifact ref name", nameof(name));
        }
    }
}
