using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Discernus.Content;

/// <summary>
/// SHA-256 as lowercase hex: the one identity every input and output has in Discernus. It sits in a namespace of its
/// own, below everything else, because both the artifact stores and provenance address content by it.
/// </summary>
public static class Hashing
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    public static async Task<string> Sha256HexAsync(Stream stream, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));

    public static async Task<string> Sha256FileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return await Sha256HexAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A SHA-256 fed piece by piece (a file copied while it is hashed, a listing); finish it with <see cref="Hex(IncrementalHash)"/>.</summary>
    public static IncrementalHash Incremental() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The identity of what <paramref name="hash"/> was fed, in the same form as <see cref="Sha256Hex(string)"/>.</summary>
    public static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());

    public static bool IsSha256Hex(string? value) =>
        value is { Length: 64 } && !value.AsSpan().ContainsAnyExcept(LowerHex);
}
