using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Discernus.Agents;

/// <summary>
/// A prompt file as stored in the run (YAML with named text fields). Placeholders are <c>{{name}}</c>; a placeholder
/// left unfilled is an error, so a prompt never reaches a model with a hole in it.
/// </summary>
internal sealed partial class PromptTemplate
{
    private readonly Dictionary<string, YamlNode> _fields;

    private PromptTemplate(Dictionary<string, YamlNode> fields) => _fields = fields;

    [GeneratedRegex(@"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")]
    private static partial Regex Placeholder();

    public static PromptTemplate Parse(byte[] yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(yaml)));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException("a prompt file must be a YAML mapping of named texts");
        }

        return new PromptTemplate(root.Children
            .Where(kv => kv.Key is YamlScalarNode)
            .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => kv.Value, StringComparer.Ordinal));
    }

    public string Raw(string field) =>
        _fields.TryGetValue(field, out var node) && node is YamlScalarNode s ? s.Value ?? string.Empty
            : throw new InvalidDataException($"the prompt file has no text field '{field}'");

    /// <summary>Whether the file has the text field <paramref name="field"/> (a prompt stored by an older version may lack a newer one).</summary>
    public bool Has(string field) => _fields.TryGetValue(field, out var node) && node is YamlScalarNode;

    /// <summary>A text inside a nested mapping, e.g. <c>sections.methodology</c>.</summary>
    public string Nested(string section, string key) =>
        _fields.TryGetValue(section, out var node) && node is YamlMappingNode map
        && map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode k && k.Value == key).Value is YamlScalarNode value
            ? value.Value ?? string.Empty
            : throw new InvalidDataException($"the prompt file has no text '{section}.{key}'");

    public string Render(string field, IReadOnlyDictionary<string, string> values) => Fill(Raw(field), values);

    public static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var missing = new List<string>();
        var result = Placeholder().Replace(template, m =>
        {
            if (values.TryGetValue(m.Groups[1].Value, out var value))
            {
                return value;
            }

            missing.Add(m.Groups[1].Value);
            return m.Value;
        });
        return missing.Count == 0 ? result
            : throw new InvalidDataException($"prompt placeholders without a value: {string.Join(", ", missing.Distinct())}");
    }
}
