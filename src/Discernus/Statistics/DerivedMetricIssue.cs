namespace Discernus.Statistics;

/// <summary>A problem with one derived metric found before any document is analysed.</summary>
/// <param name="MetricName">The derived metric's name in the framework.</param>
/// <param name="Message">What is wrong and, where possible, how to fix it.</param>
/// <param name="IsError">True when the metric can never be evaluated (bad syntax, cycle, duplicate name);
/// false for a reference to an unknown dimension or metric, which validation reports as a warning.</param>
internal sealed record DerivedMetricIssue(string MetricName, string Message, bool IsError);
