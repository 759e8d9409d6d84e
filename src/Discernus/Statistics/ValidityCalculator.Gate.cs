using System.Globalization;
using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>The rule that decides a dimension's status, its reasons, and the scale-mismatch warning.</summary>
internal static partial class ValidityCalculator
{
    /// <summary>A coder's mean says something about where they put the scale only over a few documents.</summary>
    public const int ScaleCoderMinimumDocuments = 5;

    /// <summary>Below this r the gap between CCC and r is noise, not a shifted scale.</summary>
    public const double ScaleMismatchMinimumR = 0.2;

    /// <summary>
    /// How far outside the range of the coders' means the reading's mean must lie (a twentieth of the 0–1 scale): with
    /// three coders in a complete design their means differ by a hundredth, and any model would fall outside by chance.
    /// </summary>
    public const double ScaleMismatchMinimumGap = 0.05;

    /// <summary>The rule in one sentence with its numbers, as the report states it.</summary>
    public static string Rule(ValiditySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var level = (ValiditySettings.ConfidenceLevel * 100).ToString("0", CultureInfo.InvariantCulture);
        return $"A dimension is validated when at least {settings.MinDocuments.ToString(CultureInfo.InvariantCulture)} coded documents exist, "
            + "the coders agree among themselves (ceiling r > 0), "
            + $"the lower end of the {level} % interval of the model's r with the coders' mean is above 0, "
            + $"and the upper end of the interval of that r over the ceiling r reaches {Plain(settings.MinRatio)} "
            + $"(document-level bootstrap percentiles re-centred on the estimate, {settings.BootstrapResamples.ToString("N0", CultureInfo.InvariantCulture)} resamples, seed {settings.Seed.ToString(CultureInfo.InvariantCulture)}); "
            + "not_validated otherwise, unvalidated without gold ratings.";
    }

    /// <summary>The rule of <see cref="ValiditySettings"/>, in its order; the first test that fails gives the reason.</summary>
    private static (string Status, string Reason) Judge(int coded, AgreementMetrics? ceiling, ModelAgreement? judged, ValiditySettings settings)
    {
        static (string, string) No(string reason) => (ValidityStatus.NotValidated, reason);
        if (coded < settings.MinDocuments)
        {
            return No($"{coded.ToString(CultureInfo.InvariantCulture)} coded documents; at least {settings.MinDocuments.ToString(CultureInfo.InvariantCulture)} are needed to judge agreement");
        }

        if (ceiling is null)
        {
            return No("no human standard: no document was coded by two coders");
        }

        if (ceiling.Pearson.Value is not { } human)
        {
            return No("no human standard: the coders' r with each other is undefined (too few shared documents, or no variation)");
        }

        if (human <= 0)
        {
            return No($"no human standard: the coders do not agree (r {Interval(ceiling.Pearson)} with each other)");
        }

        if (judged is null || judged.Metrics.Pearson.Value is null)
        {
            var documents = judged?.Metrics.Documents ?? 0;
            return No($"model–human r undefined on {documents.ToString(CultureInfo.InvariantCulture)} of {coded.ToString(CultureInfo.InvariantCulture)} coded documents (too few scored, or the scores do not vary)");
        }

        var comparison = $"model–human r {Interval(judged.Metrics.Pearson)} vs ceiling {Number(human)}";
        if (judged.Metrics.Pearson.Lower is not { } lower || lower <= 0)
        {
            return No($"{comparison}: no evidence it measures anything the coders see");
        }

        var ratio = judged.RatioToCeiling;
        if (ratio.Upper is { } upper && upper < settings.MinRatio)
        {
            return No($"{comparison}: ratio {Interval(ratio)}, credibly below {Plain(settings.MinRatio)}");
        }

        return (ValidityStatus.Validated, $"{comparison}: ratio {Interval(ratio)}, not credibly below {Plain(settings.MinRatio)}");
    }

    /// <summary>
    /// The judged reading uses another scale than the coders when its concordance is far below its correlation (CCC
    /// under half of r, with r above <see cref="ScaleMismatchMinimumR"/>), or when its mean lies outside the range of the
    /// individual coders' means by more than <see cref="ScaleMismatchMinimumGap"/> (coders with at least
    /// <see cref="ScaleCoderMinimumDocuments"/> documents; at least two, since one coder's mean is a point, not a range).
    /// </summary>
    private static string? ScaleMismatch(ModelAgreement? judged, IReadOnlyList<double> coderMeans)
    {
        if (judged?.Metrics is not { Mean: { } mean, CodersMean: { } codersMean } metrics)
        {
            return null;
        }

        var (r, ccc) = (metrics.Pearson.Value, metrics.Ccc.Value);
        // A calibrated score is the coders' expected score given the model's reading: it spreads less than the coders do
        // by construction (by r), so its CCC sits well below r without any scale being wrong. Only its level is checked.
        var far = judged.Scores != ModelAgreement.Calibrated && r is { } rv && rv > ScaleMismatchMinimumR && ccc is { } cv && cv < rv / 2;
        var range = coderMeans.Count >= 2 ? (Low: coderMeans.Min(), High: coderMeans.Max()) : ((double Low, double High)?)null;
        var outside = range is { } rg && (mean < rg.Low - ScaleMismatchMinimumGap || mean > rg.High + ScaleMismatchMinimumGap);
        if (!far && !outside)
        {
            return null;
        }

        var who = judged.Model == ModelAgreement.AllModels ? "models' mean" : "model mean";
        var details = new List<string>();
        if (outside && range is { } shown)
        {
            details.Add($"individual coders {Number(shown.Low)}–{Number(shown.High)}");
        }

        details.Add($"CCC {Number(ccc)} vs r {Number(r)}");
        var fix = judged.Scores == ModelAgreement.Calibrated
            ? "calibration did not remove it: add anchors with coded examples to the framework, or state the scale in the dimension's description (e.g. 0.5 = neutral)"
            : "calibrate to the coders (`calibration: gold` or `run --calibrate`), add anchors with coded examples to the framework, or state the scale in the dimension's description (e.g. 0.5 = neutral)";
        return $"scale mismatch: {who} {Number(mean)} vs coders' mean {Number(codersMean)} ({string.Join("; ", details)}): {fix}";
    }

    /// <summary>Two decimals, with a true minus sign.</summary>
    private static string Number(double? value) =>
        value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture).Replace("-", "\u2212", StringComparison.Ordinal) : "undefined";

    private static string Interval(Estimate estimate) =>
        estimate.Lower is { } low && estimate.Upper is { } high
            ? $"{Number(estimate.Value)} [{Number(low)}, {Number(high)}]"
            : Number(estimate.Value);

    private static string Plain(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
