namespace Discernus.Orchestration;

internal sealed record RunOutcome(string RunId, string Status, string? RunFolder, string? Error, string? ReportMarkdown, string? ReportHtml);
