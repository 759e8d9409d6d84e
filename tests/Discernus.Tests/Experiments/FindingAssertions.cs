using Discernus.Experiments;

namespace Discernus.Tests.Experiments;

internal static class FindingAssertions
{
    /// <summary>The one blocking finding with <paramref name="code"/>; the failure message lists every finding.</summary>
    public static ValidationFinding SingleBlocking(ValidationReport report, string code)
    {
        var matches = report.Blocking.Where(f => f.Code == code).ToList();
        Assert.True(matches.Count == 1, $"expected one blocking '{code}' finding, got:\n{Describe(report)}");
        return matches[0];
    }

    public static ValidationFinding SingleWarning(ValidationReport report, string code)
    {
        var matches = report.Warnings.Where(f => f.Code == code).ToList();
        Assert.True(matches.Count == 1, $"expected one '{code}' warning, got:\n{Describe(report)}");
        return matches[0];
    }

    public static void Valid(ValidationReport report)
    {
        Assert.True(report.IsValid, $"expected a valid experiment, got:\n{Describe(report)}");
        Assert.Equal(0, report.ExitCode);
        Assert.NotNull(report.Experiment);
    }

    public static string Describe(ValidationReport report) =>
        report.Findings.Count == 0
            ? "(no findings)"
            : string.Join('\n', report.Findings.Select(f => $"  {f.Severity} {f.Code} {f.Location}: {f.Message}"));

    /// <summary>1-based number of the only line of <paramref name="file"/> equal to <paramref name="line"/>.</summary>
    public static int LineNumberOf(string file, string line)
    {
        var lines = File.ReadAllLines(file);
        var numbers = Enumerable.Range(0, lines.Length).Where(i => lines[i] == line).ToList();
        Assert.True(numbers.Count == 1, $"'{line}' occurs {numbers.Count} times in {file}");
        return numbers[0] + 1;
    }
}
