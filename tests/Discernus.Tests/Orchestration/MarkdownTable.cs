namespace Discernus.Tests.Orchestration;

/// <summary>A Markdown table: header cells and the cells of each row, trimmed.</summary>
internal sealed record MarkdownTable(List<string> Header, List<List<string>> Rows);
