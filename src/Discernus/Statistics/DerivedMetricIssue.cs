using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>A problem with one derived metric found before any document is analysed.</summary>
/// <param name="MetricName">The derived metric's name in the framework.</param>
/// <param name="Message">What is wrong and, where possible, how to fix it.</param>
/// <param name="IsError">True when the framework is wrong (bad syntax, an unknown name, a cycle, a duplicate name):
/// blocking; false when the metric is valid but will have no value (a warning).</param>
internal sealed record DerivedMetricIssue(string MetricName, string Message, bool IsError)
{
    /// <summary>The finding code validation reports it under.</summary>
    public string Code { get; init; } = FindingCodes.DerivedMetricInvalid;
}
