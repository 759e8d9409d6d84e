using System.Globalization;
using System.Text;
using System.Text.Json;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration;

/// <summary>The outcome of <c>discernus doctor</c>: one line per check, with the fix for each failure.</summary>
internal sealed record DoctorReport
{
    public required IReadOnlyList<DoctorCheck> Checks { get; init; }

    /// <summary>True when no check failed (warnings and skipped checks do not count against it).</summary>
    public bool Healthy => Checks.All(c => c.Status != DoctorStatus.Fail);

    public DoctorCheck? this[string name] => Checks.FirstOrDefault(c => c.Name == name);

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var check in Checks)
        {
            var label = check.Status switch
            {
                DoctorStatus.Pass => "PASS",
                DoctorStatus.Warn => "WARN",
                DoctorStatus.Fail => "FAIL",
                _ => "SKIP",
            };
            text.Append(CultureInfo.InvariantCulture, $"{label}  {check.Title}: {check.Detail}").AppendLine();
            if (check.Fix is { } fix)
            {
                text.Append(CultureInfo.InvariantCulture, $"      fix: {fix}").AppendLine();
            }
        }

        var failed = Checks.Count(c => c.Status == DoctorStatus.Fail);
        var warned = Checks.Count(c => c.Status == DoctorStatus.Warn);
        var passed = Checks.Count(c => c.Status == DoctorStatus.Pass);
        text.AppendLine(failed == 0
            ? string.Create(CultureInfo.InvariantCulture, $"No check failed: {passed} passed{(warned > 0 ? $", {warned} with a warning to read" : "")}.")
            : string.Create(CultureInfo.InvariantCulture, $"{failed} of {Checks.Count} checks failed."));
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            Healthy,
            Checks = Checks.Select(c => new { c.Name, c.Title, c.Status, c.Detail, c.Fix }),
        },
        DiscernusJson.Indented);
}
