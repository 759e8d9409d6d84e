using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>Collects findings in one pass so a researcher sees every problem at once, not one per attempt.</summary>
internal sealed class FindingCollector(string experimentDirectory)
{
    private readonly List<ValidationFinding> _findings = [];
    private readonly HashSet<string> _seenWarnings = new(StringComparer.Ordinal);

    public IReadOnlyList<ValidationFinding> Findings => _findings;

    public string ExperimentDirectory => experimentDirectory;

    public bool HasBlocking => _findings.Any(f => f.Severity == FindingSeverity.Blocking);

    public string Relative(string path)
    {
        if (!SafePaths.IsValidName(path))
        {
            return SafePaths.Printable(path);
        }

        var relative = Path.GetRelativePath(experimentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative.Replace('\\', '/');
    }

    public void Blocking(string code, string file, string? field, string message, string fix, int? line = null, int? column = null) =>
        Add(FindingSeverity.Blocking, code, file, field, message, fix, line, column);

    public void Warning(string code, string file, string? field, string message, string fix, int? line = null, int? column = null)
    {
        // Unknown keys and similar warnings are mentioned once, not once per document.
        if (_seenWarnings.Add($"{code}|{file}|{field}|{message}"))
        {
            Add(FindingSeverity.Warning, code, file, field, message, fix, line, column);
        }
    }

    public void Blocking(string code, string file, string? field, string message, string fix, YamlNode? at, YamlBlock block) =>
        Blocking(code, file, field, message, fix, LineOf(at, block), ColumnOf(at));

    public void Warning(string code, string file, string? field, string message, string fix, YamlNode? at, YamlBlock block) =>
        Warning(code, file, field, message, fix, LineOf(at, block), ColumnOf(at));

    private void Add(FindingSeverity severity, string code, string file, string? field, string message, string fix, int? line, int? column) =>
        _findings.Add(new ValidationFinding
        {
            Severity = severity,
            Code = code,
            File = Relative(file),
            Field = field,
            Line = line,
            Column = column,
            Message = message,
            Fix = fix,
        });

    private static int? LineOf(YamlNode? node, YamlBlock block) => node is null ? block.FirstLine : (int)node.Start.Line + block.FirstLine - 1;

    private static int? ColumnOf(YamlNode? node) => node is null ? null : (int)node.Start.Column;
}
