using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>
/// Parses YAML into the representation model (which keeps aliases as shared references, so parsing itself is
/// cheap) and refuses documents whose aliases would expand past a node budget when read as a tree, or that nest
/// deeper than a depth limit (checked on the event stream before the recursive loader descends).
/// </summary>
internal static class SafeYaml
{
    public static YamlParseResult Parse(YamlBlock block, ExperimentLimits limits)
    {
        var maxNodes = limits.MaxYamlNodes;
        var stream = new YamlStream();
        try
        {
            stream.Load(new DepthLimitingParser(new Parser(new StringReader(block.Text)), limits.MaxYamlDepth));
        }
        catch (YamlDepthExceededException ex)
        {
            return new YamlParseResult(block, null,
                $"the YAML nests deeper than {ex.MaxDepth} levels (counting levels reached through aliases)",
                (int)ex.At.Line + block.FirstLine - 1, (int)ex.At.Column, FindingCodes.YamlTooDeep);
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException is YamlException innerYaml ? innerYaml : ex;
            return new YamlParseResult(block, null, CleanMessage(inner.Message), (int)inner.Start.Line + block.FirstLine - 1, (int)inner.Start.Column, null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet gives up this way on some broken constructs (a flow sequence left open, a stray event).
            return new YamlParseResult(block, null, "the YAML is broken in a way the parser cannot place (often an unclosed bracket, brace or quote)", block.FirstLine, 1, null);
        }

        if (stream.Documents.Count == 0)
        {
            return new YamlParseResult(block, null, "the block is empty", block.FirstLine, 1, null);
        }

        var root = stream.Documents[0].RootNode;
        // A large but alias-free document (a manifest of many documents) is fine; only growth through aliases is a bomb.
        var budget = maxNodes + CountDistinct(root);
        var expanded = ExpandedSize(root, new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance), new HashSet<YamlNode>(ReferenceEqualityComparer.Instance), budget);
        if (expanded > budget)
        {
            return new YamlParseResult(block, null,
                $"YAML aliases expand to more than {maxNodes:N0} nodes (an alias bomb)",
                (int)root.Start.Line + block.FirstLine - 1, (int)root.Start.Column, FindingCodes.YamlAliasBomb);
        }

        if (root is not YamlMappingNode mapping)
        {
            return new YamlParseResult(block, null, "expected a mapping of keys to values at the top of the block",
                (int)root.Start.Line + block.FirstLine - 1, (int)root.Start.Column, null);
        }

        return new YamlParseResult(block, mapping, null, null, null, null);
    }

    /// <summary>Counts nodes as a tree walk would see them; memoised by reference, so shared subtrees cost once to count.</summary>
    private static long ExpandedSize(YamlNode node, Dictionary<YamlNode, long> memo, HashSet<YamlNode> onPath, long budget)
    {
        if (memo.TryGetValue(node, out var known))
        {
            return known;
        }

        if (!onPath.Add(node))
        {
            // A node that contains itself expands without bound.
            return budget + 1;
        }

        long size = 1;
        IEnumerable<YamlNode> children = node switch
        {
            YamlMappingNode m => m.Children.SelectMany(kv => new[] { kv.Key, kv.Value }),
            YamlSequenceNode s => s.Children,
            _ => [],
        };
        foreach (var child in children)
        {
            size += ExpandedSize(child, memo, onPath, budget);
            if (size > budget)
            {
                size = budget + 1;
                break;
            }
        }

        onPath.Remove(node);
        memo[node] = size;
        return size;
    }

    private static long CountDistinct(YamlNode root)
    {
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<YamlNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            foreach (var child in node switch
            {
                YamlMappingNode m => m.Children.SelectMany(kv => new[] { kv.Key, kv.Value }),
                YamlSequenceNode q => q.Children,
                _ => [],
            })
            {
                pending.Push(child);
            }
        }

        return seen.Count;
    }

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes "(Line: x, Col: y, Idx: z) - (Line: ...): "; we report positions ourselves.
        var idx = message.LastIndexOf("): ", StringComparison.Ordinal);
        return idx >= 0 ? message[(idx + 3)..] : message;
    }

    /// <summary>
    /// Passes events through and stops the stream, before the recursive loader descends, once nesting passes the
    /// limit. An alias counts as deep as the node it names, so a chain of aliases cannot rebuild a deep tree; without
    /// that, every later tree walk (alias expansion, flattening) would recurse that deep and overflow the stack, which
    /// .NET cannot catch.
    /// </summary>
    private sealed class DepthLimitingParser(IParser inner, int maxDepth) : IParser
    {
        private readonly Stack<int> _open = new();
        private readonly Dictionary<string, int> _anchorHeights = new(StringComparer.Ordinal);
        private readonly Stack<string?> _openAnchors = new();

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case NodeEvent { } start and (MappingStart or SequenceStart):
                    if (_open.Count + 1 > maxDepth)
                    {
                        throw new YamlDepthExceededException(start.Start, maxDepth);
                    }

                    _open.Push(0);
                    _openAnchors.Push(start.Anchor.IsEmpty ? null : start.Anchor.Value);
                    break;
                case MappingEnd or SequenceEnd when _open.Count > 0:
                    var height = _open.Pop() + 1;
                    if (_openAnchors.Pop() is { } anchor)
                    {
                        _anchorHeights[anchor] = height;
                    }

                    ChildHeight(height);
                    break;
                case AnchorAlias alias when _anchorHeights.TryGetValue(alias.Value.Value, out var aliasHeight):
                    if (_open.Count + aliasHeight > maxDepth)
                    {
                        throw new YamlDepthExceededException(alias.Start, maxDepth);
                    }

                    ChildHeight(aliasHeight);
                    break;
            }

            return true;
        }

        /// <summary>The open collection is as high as its highest child.</summary>
        private void ChildHeight(int height)
        {
            if (_open.Count > 0)
            {
                _open.Push(Math.Max(_open.Pop(), height));
            }
        }
    }

    private sealed class YamlDepthExceededException(Mark at, int maxDepth) : Exception($"YAML nests deeper than {maxDepth} levels")
    {
        public Mark At { get; } = at;

        public int MaxDepth { get; } = maxDepth;
    }
}
