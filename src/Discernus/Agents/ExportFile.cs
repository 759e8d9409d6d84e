namespace Discernus.Agents;

/// <summary>One written export file: its name (<c>scores.csv</c>), where it is, and how many rows it holds.</summary>
internal sealed record ExportFile(string Name, string Path, int Rows);
