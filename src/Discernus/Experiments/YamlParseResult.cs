using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>
/// A parsed YAML block, or why it could not be parsed (with the position in the original file).
/// <see cref="LimitCode"/> is set when the block breaks a safety limit (alias expansion, nesting depth): such a block
/// blocks the experiment wherever it stands in the file.
/// </summary>
internal sealed record YamlParseResult(YamlBlock Block, YamlMappingNode? Root, string? Error, int? ErrorLine, int? ErrorColumn, string? LimitCode)
{
    public bool Succeeded => Root is not null;

    public bool ExceedsLimit => LimitCode is not null;
}
