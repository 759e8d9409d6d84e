using System.Globalization;
using Discernus.Provenance;

namespace Discernus.Cli.Commands;

/// <summary>Money as the CLI prints it: an unknown price is "unknown", never $0.0000.</summary>
internal static class CostText
{
    public static string Usd(decimal usd) =>
        "$" + usd.ToString(usd < 1 ? "F4" : "F2", CultureInfo.InvariantCulture);

    /// <summary>An estimate or a single cost: dollars, or "unknown" when no price is known.</summary>
    public static string Usd(decimal? usd) => usd is { } value ? Usd(value) : "unknown";

    /// <summary>A run's actual cost: exact when every price was known, a lower bound when some were, else unknown.</summary>
    public static string Actual(ManifestCost cost) => cost switch
    {
        { Complete: true } => Usd(cost.ActualUsd),
        { ActualUsd: 0m } => "unknown (no price is known for the model)",
        _ => $"at least {Usd(cost.ActualUsd)} (some prices are unknown)",
    };
}
