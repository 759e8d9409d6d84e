using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

internal static class YamlNodeExtensions
{
    public static YamlNode? Child(this YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode s && string.Equals(s.Value, key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    public static YamlMappingNode? ChildMap(this YamlMappingNode? map, string key) => map.Child(key) as YamlMappingNode;

    public static YamlSequenceNode? ChildList(this YamlMappingNode? map, string key) => map.Child(key) as YamlSequenceNode;

    public static bool Has(this YamlMappingNode? map, string key) => map.Child(key) is not null;

    /// <summary>A scalar as text; null for missing, null-valued or non-scalar nodes.</summary>
    public static string? Text(this YamlNode? node) => node is YamlScalarNode s && !IsNull(s) ? s.Value : null;

    public static string? ChildText(this YamlMappingNode? map, string key) => map.Child(key).Text();

    public static IEnumerable<string> Keys(this YamlMappingNode map) =>
        map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty);

    public static bool IsNull(this YamlScalarNode node) =>
        node.Style == YamlDotNet.Core.ScalarStyle.Plain && node.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>Flattens any node into readable text (calibration levels sometimes hold lists or maps).</summary>
    public static string Flatten(this YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? string.Empty,
        YamlSequenceNode seq => string.Join("; ", seq.Children.Select(Flatten)),
        YamlMappingNode m => string.Join("; ", m.Children.Select(kv => $"{kv.Key.Flatten()}: {kv.Value.Flatten()}")),
        _ => string.Empty,
    };

    public static bool TryDouble(this YamlNode? node, out double value)
    {
        value = 0;
        return node.Text() is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
