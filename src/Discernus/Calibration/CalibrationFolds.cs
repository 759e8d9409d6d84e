using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Discernus.Calibration;

/// <summary>
/// Seeded k-fold assignment of coded documents. Documents are ranked by a hash of (seed, salt, document id) and dealt
/// to folds in turn, so the folds are balanced, depend only on the seed and the set of ids (never on the labels, the
/// scores or the order the records came in), and are the same on every machine and .NET version (no
/// <see cref="Random"/>, whose sequence .NET does not promise to keep).
/// </summary>
internal static class CalibrationFolds
{
    /// <summary>Salt of the outer (cross-fitting) folds.</summary>
    public const string Outer = "outer";

    /// <summary>Salt of the inner (model selection) folds inside a training set.</summary>
    public const string Inner = "inner";

    /// <returns>For each id, in the order given, its fold in 0..folds-1.</returns>
    public static int[] Assign(IReadOnlyList<string> documentIds, int folds, int seed, string salt)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 1);
        var keys = new ulong[documentIds.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Key(documentIds[i], seed, salt);
        }

        var order = Enumerable.Range(0, keys.Length)
            .OrderBy(i => keys[i])
            .ThenBy(i => documentIds[i], StringComparer.Ordinal)
            .ToList();
        var assignment = new int[keys.Length];
        for (var rank = 0; rank < order.Count; rank++)
        {
            assignment[order[rank]] = rank % folds;
        }

        return assignment;
    }

    private static ulong Key(string documentId, int seed, string salt)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{seed}\u001f{salt}\u001f{documentId}")), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
