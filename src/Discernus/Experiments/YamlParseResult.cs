using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>A parsed YAML block, or why it could not be parsed (with the position in the original file).</summary>
internal sealed record YamlParseResult(YamlBlock Block, YamlMappingNode? Root, string? Error, int? ErrorLine, int? ErrorColumn, bool AliasBomb)
{
    public bool Succeeded => Root is not null;
}
