using System.Globalization;

namespace Discernus.Statistics;

/// <summary>
/// The value of a derived metric for one document, or the reason it has none.
/// Runtime problems (missing inputs, division by zero, ...) become a reason instead of an exception,
/// so one bad document never stops a run and the report can name what went wrong.
/// </summary>
internal sealed record DerivedMetricResult
{
    private DerivedMetricResult(double? value, string? reason)
    {
        Value = value;
        Reason = reason;
    }

    /// <summary>A finite number, or null when the metric could not be evaluated.</summary>
    public double? Value { get; }

    /// <summary>Why <see cref="Value"/> is null; null when there is a value.</summary>
    public string? Reason { get; }

    public bool HasValue => Value.HasValue;

    /// <summary>A result holding <paramref name="value"/>; NaN and infinities become a failure so they never reach JSON.</summary>
    public static DerivedMetricResult Success(double value) =>
        double.IsFinite(value)
            ? new DerivedMetricResult(value, null)
            : Failure($"the result is not a finite number ({value.ToString(CultureInfo.InvariantCulture)})");

    public static DerivedMetricResult Failure(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new DerivedMetricResult(null, reason);
    }

    public override string ToString() =>
        Value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : $"null ({Reason})";
}
