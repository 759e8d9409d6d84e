namespace Discernus.Experiments;

public enum FindingSeverity
{
    Blocking,
    Warning,
}

/// <summary>
/// One problem found while reading an experiment. Every finding names the file, the field (or YAML line and
/// column) and a one-line fix, because the researcher has to act on it without reading our code.
/// </summary>
public sealed record ValidationFinding
{
    public required FindingSeverity Severity { get; init; }
    /// <summary>Stable machine-readable code, e.g. <c>duplicate_document_id</c>.</summary>
    public required string Code { get; init; }
    /// <summary>Path relative to the experiment folder (or absolute when outside it).</summary>
    public required string File { get; init; }
    public string? Field { get; init; }
    public int? Line { get; init; }
    public int? Column { get; init; }
    public required string Message { get; init; }
    public required string Fix { get; init; }

    /// <summary>Codes that mean "a file is missing or cannot be read" (exit code 3 rather than 5).</summary>
    internal static readonly IReadOnlySet<string> MissingFileCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        FindingCodes.ExperimentNotFound,
        FindingCodes.FileMissing,
        FindingCodes.FileUnreadable,
        FindingCodes.DocumentMissing,
    };

    public string Location
    {
        get
        {
            var location = File;
            if (Line is not null)
            {
                location += Column is null ? $":{Line}" : $":{Line}:{Column}";
            }

            return Field is null ? location : $"{location} [{Field}]";
        }
    }

    /// <summary>The finding as one line of an error message: where, what, and the fix.</summary>
    public string ToLine() => $"{Location}: {Message} (fix: {Fix})";
}
