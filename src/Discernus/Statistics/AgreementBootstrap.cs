namespace Discernus.Statistics;

/// <summary>The bootstrap distributions of the five agreement metrics of one reading (or of the ceiling).</summary>
internal sealed class AgreementBootstrap
{
    private readonly BootstrapDistribution pearson = new();
    private readonly BootstrapDistribution spearman = new();
    private readonly BootstrapDistribution ccc = new();
    private readonly BootstrapDistribution error = new();
    private readonly BootstrapDistribution alpha = new();

    public void Add(AgreementPoint resample)
    {
        pearson.Add(resample.Pearson);
        spearman.Add(resample.Spearman);
        ccc.Add(resample.Ccc);
        error.Add(resample.MeanAbsoluteError);
        alpha.Add(resample.Alpha);
    }

    /// <summary>The point estimates with their intervals.</summary>
    public AgreementMetrics Metrics(int documents, AgreementPoint point, double? mean, double? codersMean) =>
        new(
            documents,
            pearson.Estimate(point.Pearson, -1, 1),
            spearman.Estimate(point.Spearman, -1, 1),
            ccc.Estimate(point.Ccc, -1, 1),
            error.Estimate(point.MeanAbsoluteError, lowest: 0),
            alpha.Estimate(point.Alpha, highest: 1))
        {
            Mean = mean,
            CodersMean = codersMean,
        };
}
