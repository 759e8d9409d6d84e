using System.Globalization;
using System.Text.RegularExpressions;

namespace Discernus.Tests.Telemetry;

/// <summary>The samples of one Prometheus text exposition (<c>name{labels} value</c>), parsed just enough for assertions.</summary>
internal sealed partial class PrometheusScrape(IReadOnlyList<PrometheusScrape.Sample> samples)
{
    public IReadOnlyList<Sample> Samples => samples;

    public IEnumerable<string> Names => samples.Select(s => s.Name).Distinct(StringComparer.Ordinal);

    public static PrometheusScrape Parse(string text) =>
        new(text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SampleLine().Match(l)).Where(m => m.Success)
            .Select(m => new Sample(
                m.Groups["name"].Value,
                LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(p => p.Groups[1].Value, p => p.Groups[2].Value, StringComparer.Ordinal),
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))
            .ToList());

    /// <summary>The sum of a metric's samples whose labels include every one of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}
