using Discernus.Tests.Experiments;
using YamlDotNet.RepresentationModel;

namespace Discernus.Tests.Deploy;

/// <summary>Every YAML document under deploy/, parsed with YamlDotNet, and small helpers to walk them.</summary>
internal static class DeployFiles
{
    public static string Folder => Path.Combine(TestPaths.RepositoryRoot, "deploy");

    public static IReadOnlyList<string> Paths() =>
        Directory.GetFiles(Folder, "*.*", SearchOption.AllDirectories).Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>The documents of one file (a Kubernetes file holds several, separated by ---).</summary>
    public static IReadOnlyList<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
    }

    public static IEnumerable<YamlMappingNode> Documents() => Paths().SelectMany(Documents);

    /// <summary>The Kubernetes object of a kind and name.</summary>
    public static YamlMappingNode Object(string kind, string name) =>
        Assert.Single(Documents(), d => Text(d, "kind") == kind && Text(Map(d, "metadata"), "name") == name);

    public static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlMappingNode Map(YamlMappingNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);
        }

        return node;
    }

    public static YamlSequenceNode Sequence(YamlMappingNode node, string key) => Assert.IsType<YamlSequenceNode>(node.Children[new YamlScalarNode(key)]);

    public static IReadOnlyList<string> Strings(YamlMappingNode node, string key) =>
        Sequence(node, key).Children.Select(c => Assert.IsType<YamlScalarNode>(c).Value!).ToList();

    /// <summary>Every scalar of a node, keys included, depth first (comments are not part of the model).</summary>
    public static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value is { } v ? [v] : [],
        YamlSequenceNode sequence => sequence.Children.SelectMany(Scalars),
        YamlMappingNode mapping => mapping.Children.SelectMany(kv => Scalars(kv.Key).Concat(Scalars(kv.Value))),
        _ => [],
    };

    /// <summary>The value following <paramref name="flag"/> in an argument list.</summary>
    public static string ArgumentOf(IReadOnlyList<string> arguments, string flag)
    {
        var at = arguments.ToList().IndexOf(flag);
        Assert.True(at >= 0 && at + 1 < arguments.Count, $"{flag} is missing from [{string.Join(", ", arguments)}]");
        return arguments[at + 1];
    }
}
