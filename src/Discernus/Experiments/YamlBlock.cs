namespace Discernus.Experiments;

/// <summary>A YAML block found inside a Markdown file; <see cref="FirstLine"/> maps YAML marks back to the file.</summary>
internal sealed record YamlBlock(string Text, int FirstLine, string Kind);
