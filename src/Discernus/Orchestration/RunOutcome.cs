namespace Discernus.Orchestration;

public sealed record RunOutcome(string RunId, string Status, string? RunFolder, string? Error, string? ReportMarkdown, string? ReportHtml);
