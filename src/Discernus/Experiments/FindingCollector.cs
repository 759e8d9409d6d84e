using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>Collects findings in one pass so a researcher sees every problem at once, not one per attempt.</summary>
internal sealed class FindingCollector(string experimentDirectory)
{
    /// <summary>Findings of one code shown in full; the rest are counted into one summary (100,000 missing files printed 20 MB).</summary>
    public const int MaxPerCode = 50;

    private readonly List<ValidationFinding> _findings = [];
    private readonly HashSet<string> _seenWarnings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ValidationFinding First, int Count)> _summarised = new(StringComparer.Ordinal);
    private bool _hasBlocking;

    /// <summary>The findings, then per code past <see cref="MaxPerCode"/> one summary: "and 99,950 more missing files".</summary>
    public IReadOnlyList<ValidationFinding> Findings => _summarised.Count == 0
        ? _findings
        : [.. _findings, .. _summarised.Values.Select(s => Summary(s.First, s.Count))];

    public string ExperimentDirectory => experimentDirectory;

    public bool HasBlocking => _hasBlocking;

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

    private void Add(FindingSeverity severity, string code, string file, string? field, string message, string fix, int? line, int? column)
    {
        _hasBlocking |= severity == FindingSeverity.Blocking;
        var finding = new ValidationFinding
        {
            Severity = severity,
            Code = code,
            File = Relative(file),
            Field = field,
            Line = line,
            Column = column,
            Message = message,
            Fix = fix,
        };
        var count = _perCode[code] = _perCode.GetValueOrDefault(code) + 1;
        if (count <= MaxPerCode)
        {
            _findings.Add(finding);
            return;
        }

        // The summary carries the first one left out (its file, and the worst severity of those it stands for).
        _summarised[code] = _summarised.TryGetValue(code, out var known)
            ? (severity == FindingSeverity.Blocking ? known.First with { Severity = severity } : known.First, known.Count + 1)
            : (finding, 1);
    }

    private static ValidationFinding Summary(ValidationFinding first, int count) => first with
    {
        Field = null,
        Line = null,
        Column = null,
        Message = $"and {count:N0} more {Plural(first.Code)} like the {MaxPerCode} above (this is the first of them: {first.Message})",
    };

    private static string Plural(string code) => code switch
    {
        FindingCodes.DocumentMissing => "missing files",
        FindingCodes.DuplicateDocumentId => "duplicate document ids",
        FindingCodes.UnknownKey => "unknown keys",
        FindingCodes.InvalidName => "invalid names",
        _ => $"`{code}` findings",
    };

    private static int? LineOf(YamlNode? node, YamlBlock block) => node is null ? block.FirstLine : (int)node.Start.Line + block.FirstLine - 1;

    private static int? ColumnOf(YamlNode? node) => node is null ? null : (int)node.Start.Column;
}
