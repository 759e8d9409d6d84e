using System.Globalization;
using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>Money as the CLI and the browser show it: an unknown price is "unknown", never $0.0000.</summary>
public static class CostText
{
    public static string Usd(decimal usd) =>
        "$" + usd.ToString(usd < 1 ? "F4" : "F2", CultureInfo.InvariantCulture);

    /// <summary>An estimate or a single cost: dollars, or "unknown" when no price is known.</summary>
    public static string Usd(decimal? usd) => usd is { } value ? Usd(value) : "unknown";

    /// <summary>
    /// A run's actual cost: exact when every price was known, a lower bound when some were, else unknown. A run whose
    /// calls all failed has no cost records, so the models' prices decide whether $0 is a known zero.
    /// </summary>
    public static string Actual(ManifestCost cost, IEnumerable<string> models)
    {
        var prices = PriceTable.LoadDefault();
        var unpriced = models.Any(m => ModelName.TryParse(m, out var name, out _) && name.IsHosted && prices.Find(name) is null);
        return (cost.Complete && !unpriced, cost.ActualUsd) switch
        {
            (true, var usd) => Usd(usd),
            (false, 0m) => "unknown (no price is known for the model)",
            (false, var usd) => $"at least {Usd(usd)} (some prices are unknown)",
        };
    }

    /// <summary>A run's recorded cost as the run page shows it: exact, a lower bound, or unknown.</summary>
    public static string Recorded(ManifestCost cost) =>
        cost.Complete ? RunPlanner.Usd(cost.ActualUsd) : cost.ActualUsd == 0 ? "unknown (no price is known for the model)" : $"at least {RunPlanner.Usd(cost.ActualUsd)} (some prices are unknown)";
}
