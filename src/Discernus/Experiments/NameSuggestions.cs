using System.Security.Cryptography;
using System.Text;
using Discernus.Spelling;
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
        var close = known.FirstOrDefault(k => !string.Equals(k, name, StringComparison.Ordinal) && EditDistance.Within(name, k, name.Length < 6 ? 1 : 2) != int.MaxValue);
        return close is null ? string.Empty : $"; did you mean '{close}'?";
    }
}
