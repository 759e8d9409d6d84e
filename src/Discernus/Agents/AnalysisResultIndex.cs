using System.Text;
using Discernus.Content;

namespace Discernus.Agents;

/// <summary>
/// The analysis results a synthesis reads, as one stored artifact: their hashes, one a line, in task order. The
/// synthesis contract names this artifact instead of carrying the list (13 MB of JSON at 100,000 results, held by the
/// queue, the Orchestrator and the agent at once), and like every artifact it is verified by its hash when read.
/// </summary>
internal static class AnalysisResultIndex
{
    private const int Line = 65;

    public static byte[] Serialize(IReadOnlyCollection<string> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var bytes = new byte[hashes.Count * Line];
        var at = 0;
        foreach (var hash in hashes)
        {
            if (!Hashing.IsSha256Hex(hash))
            {
                throw new ArgumentException($"'{hash}' is not an analysis result hash", nameof(hashes));
            }

            Encoding.ASCII.GetBytes(hash, bytes.AsSpan(at));
            bytes[at + Line - 1] = (byte)'\n';
            at += Line;
        }

        return bytes;
    }

    /// <summary>The hashes of a stored index, one string at a time, so a hundred thousand of them are never held at once.</summary>
    public static IEnumerable<string> Read(byte[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length % Line != 0)
        {
            throw new InvalidDataException($"an analysis result index is {Line} bytes per result; this one is {index.Length} bytes");
        }

        for (var at = 0; at < index.Length; at += Line)
        {
            var hash = Encoding.ASCII.GetString(index, at, Line - 1);
            if (!Hashing.IsSha256Hex(hash) || index[at + Line - 1] != '\n')
            {
                throw new InvalidDataException($"line {(at / Line) + 1} of the analysis result index is not a result hash");
            }

            yield return hash;
        }
    }

    public static int Count(byte[] index) => (index ?? throw new ArgumentNullException(nameof(index))).Length / Line;
}
