using System.Text.Json;
using Discernus.Experiments;

namespace Discernus.Models;

/// <summary>
/// Reads per-dimension means, the strongest correlation and the largest group difference from the statistics JSON,
/// tolerating the layouts a statistics writer is likely to use. Only names of the framework's dimensions are accepted,
/// so unrelated numbers are never mistaken for results.
/// <list type="bullet">
/// <item>Means: an object property named after a dimension whose value has a numeric <c>mean</c> (or <c>raw_score.mean</c>
/// / <c>score.mean</c>), or an array item <c>{"dimension": name, "mean": x}</c>. The shallowest occurrence wins, so overall
/// means take precedence over per-group means nested deeper.</item>
/// <item>Correlations, anywhere under a property whose name contains "correlation": a matrix
/// <c>{"a": {"b": r}}</c> or items <c>{"dimension_a"/"a"/"x": name, "dimension_b"/"b"/"y": name, "r"/"correlation"/"pearson_r"/"rho"/"value": r}</c>;
/// subtrees named like p-values are skipped. The largest |r| between two different dimensions wins.</item>
/// <item>Group differences, under a property whose name contains "group": items with <c>"dimension"</c> and a numeric
/// <c>difference</c>/<c>mean_difference</c>/<c>diff</c>, optional <c>group_a</c>/<c>group_b</c> (or a two-element
/// <c>groups</c> array). The largest |difference| wins.</item>
/// </list>
/// Ties are broken by document order. Anything not found is simply absent from the summary.
/// </summary>
internal static class StatisticsSummaryReader
{
    private static readonly string[] FirstNames = ["dimension_a", "a", "x", "first", "dimension1", "dim_a"];
    private static readonly string[] SecondNames = ["dimension_b", "b", "y", "second", "dimension2", "dim_b"];
    private static readonly string[] CorrelationValueNames = ["r", "correlation", "pearson_r", "rho", "coefficient", "value"];
    private static readonly string[] DifferenceNames = ["difference", "mean_difference", "diff"];

    public static StatisticsSummary Read(string statisticsJson, Framework framework)
    {
        using var document = JsonDocument.Parse(statisticsJson, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var dimensions = framework.Dimensions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var means = new Dictionary<string, (int Depth, double Mean)>(StringComparer.Ordinal);
        StatisticsSummary.Correlation? strongest = null;
        StatisticsSummary.GroupDifference? largest = null;

        void Visit(JsonElement element, int depth, bool inCorrelations, bool inGroups)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                if (inCorrelations)
                {
                    ConsiderCorrelationPair(element);
                    ConsiderCorrelationMatrix(element);
                }

                if (inGroups)
                {
                    ConsiderGroupDifference(element);
                }

                if (Text(element, "dimension", "name") is { } itemName && dimensions.Contains(itemName) && MeanOf(element) is { } itemMean)
                {
                    AddMean(itemName, depth, itemMean);
                }

                foreach (var property in element.EnumerateObject())
                {
                    var lower = property.Name.ToLowerInvariant();
                    if (lower.Contains("p_value", StringComparison.Ordinal) || lower.Contains("pvalue", StringComparison.Ordinal) || lower == "p")
                    {
                        continue;
                    }

                    if (dimensions.Contains(property.Name) && MeanOf(property.Value) is { } mean)
                    {
                        AddMean(property.Name, depth, mean);
                    }

                    Visit(property.Value, depth + 1,
                        inCorrelations || lower.Contains("correlation", StringComparison.Ordinal),
                        inGroups || lower.Contains("group", StringComparison.Ordinal));
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item, depth + 1, inCorrelations, inGroups);
                }
            }
        }

        void AddMean(string name, int depth, double mean)
        {
            if (!means.TryGetValue(name, out var existing) || depth < existing.Depth)
            {
                means[name] = (depth, mean);
            }
        }

        void ConsiderCorrelation(string first, string second, double r)
        {
            if (first != second && dimensions.Contains(first) && dimensions.Contains(second) && double.IsFinite(r)
                && (strongest is null || Math.Abs(r) > Math.Abs(strongest.R)))
            {
                strongest = new StatisticsSummary.Correlation(first, second, r);
            }
        }

        void ConsiderCorrelationPair(JsonElement item)
        {
            if (Text(item, FirstNames) is { } first && Text(item, SecondNames) is { } second && Number(item, CorrelationValueNames) is { } r)
            {
                ConsiderCorrelation(first, second, r);
            }
        }

        void ConsiderCorrelationMatrix(JsonElement matrix)
        {
            foreach (var row in matrix.EnumerateObject())
            {
                if (!dimensions.Contains(row.Name) || row.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var cell in row.Value.EnumerateObject())
                {
                    if (cell.Value.ValueKind == JsonValueKind.Number)
                    {
                        ConsiderCorrelation(row.Name, cell.Name, cell.Value.GetDouble());
                    }
                }
            }
        }

        void ConsiderGroupDifference(JsonElement item)
        {
            if (Text(item, "dimension") is not { } dimension || !dimensions.Contains(dimension) || Number(item, DifferenceNames) is not { } difference
                || !double.IsFinite(difference))
            {
                return;
            }

            var groupA = Text(item, "group_a", "group1", "a");
            var groupB = Text(item, "group_b", "group2", "b");
            if (groupA is null && item.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Array && groups.GetArrayLength() == 2)
            {
                groupA = groups[0].ValueKind == JsonValueKind.String ? groups[0].GetString() : groups[0].ToString();
                groupB = groups[1].ValueKind == JsonValueKind.String ? groups[1].GetString() : groups[1].ToString();
            }

            if (largest is null || Math.Abs(difference) > Math.Abs(largest.Difference))
            {
                largest = new StatisticsSummary.GroupDifference(dimension, groupA, groupB, difference);
            }
        }

        Visit(document.RootElement, 0, false, false);
        return new StatisticsSummary(means.ToDictionary(p => p.Key, p => p.Value.Mean, StringComparer.Ordinal), strongest, largest);
    }

    private static double? MeanOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (Number(value, "mean") is { } mean)
        {
            return mean;
        }

        foreach (var name in new[] { "raw_score", "score" })
        {
            if (value.TryGetProperty(name, out var nested) && nested.ValueKind == JsonValueKind.Object && Number(nested, "mean") is { } nestedMean)
            {
                return nestedMean;
            }
        }

        return null;
    }

    private static string? Text(JsonElement item, params string[] names)
    {
        foreach (var name in names)
        {
            if (item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }

    private static double? Number(JsonElement item, params string[] names)
    {
        foreach (var name in names)
        {
            if (item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                return value.GetDouble();
            }
        }

        return null;
    }
}
