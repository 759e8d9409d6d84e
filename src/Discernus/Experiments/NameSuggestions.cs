using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>The names an experiment may use (metadata fields, dimensions, variables), and the one a misspelt name probably meant.</summary>
internal static class NameSuggestions
{
    /// <summary>Every metadata field some document has, sorted.</summary>
    public static List<string> MetadataFields(Corpus corpus) =>
        corpus.Documents.SelectMany(d => d.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>"; did you mean 'x'?" for a name one or two edits from a known one, else nothing.</summary>
    public static string Suggest(string name, IEnumerable<string> known)
    {
        var close = known.FirstOrDefault(k => !string.Equals(k, name, StringComparison.Ordinal) && EditDistanceAtMost(name, k, name.Length < 6 ? 1 : 2));
        return close is null ? string.Empty : $"; did you mean '{close}'?";
    }

    private static bool EditDistanceAtMost(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit || a.Length > 64 || b.Length > 64)
        {
            return false;
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length] <= limit;
    }
}
