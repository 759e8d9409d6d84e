using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// Whether the model measures what the human coders of the gold file measure (<see cref="ValiditySummary"/>): per
/// dimension, each reading against the coders' mean, the human ceiling in the same metrics, seeded document-level
/// bootstrap intervals for every one of them, and the status the rule of <see cref="ValiditySettings"/> gives.
/// </summary>
/// <remarks>
/// The bootstrap is paired: each resample draws the dimension's coded documents once, with replacement, and every
/// reading and the ceiling are measured on that same draw, so the ratio of a model's r to the ceiling's has an interval
/// of its own. A resample is the list of how often each document was drawn; every statistic takes those counts as
/// weights (<see cref="WeightedPairs"/>, <see cref="WeightedAlpha"/>), so a resample costs time linear in the codings.
/// Draws come from <c>new Random(seed)</c>, whose seeded sequence .NET keeps stable across versions, restarted for
/// each dimension over its documents in id order: the same seed gives the same intervals whatever the input order.
/// </remarks>
internal static partial class ValidityCalculator
{
    /// <param name="records">The records the statistics use: calibrated when the run calibrates (their rows are labelled calibrated, and <paramref name="rawRecords"/> must then hold the raw ones), else raw.</param>
    /// <param name="dimensionNames">The framework's dimensions, in order; gold rows of other dimensions are ignored.</param>
    /// <param name="gold">The gold file's rows; documents match <see cref="AnalysisRecord.CorpusDocumentId"/>, and rows of documents the run did not analyse are ignored.</param>
    /// <param name="settings">The rule's parameters and the bootstrap's.</param>
    /// <param name="rawRecords">The uncalibrated records when <paramref name="records"/> are calibrated; null otherwise.</param>
    /// <returns>Null when <paramref name="gold"/> is empty.</returns>
    public static ValiditySummary? Compute(
        IReadOnlyList<AnalysisRecord> records,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<GoldRating> gold,
        ValiditySettings settings,
        IReadOnlyList<AnalysisRecord>? rawRecords = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(dimensionNames);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(settings);
        if (gold.Count == 0)
        {
            return null;
        }

        if (settings.BootstrapResamples < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(settings),
                settings.BootstrapResamples,
                $"validation: bootstrap_resamples must be at least 1 (the default is {ValiditySettings.DefaultBootstrapResamples}).");
        }

        var names = dimensionNames.Distinct(StringComparer.Ordinal).ToList();
        var analysed = records.Concat(rawRecords ?? []).Select(ModelReading.DocumentOf).ToHashSet(StringComparer.Ordinal);
        var framework = names.ToHashSet(StringComparer.Ordinal);
        var used = gold.Where(g => analysed.Contains(g.DocumentId) && framework.Contains(g.Dimension) && double.IsFinite(g.Score)).ToList();
        var byDimension = used.ToLookup(g => g.Dimension, StringComparer.Ordinal);
        var golds = names.Select(d => new DimensionGold(byDimension[d])).ToList();
        var ceilings = golds.Select(g => new HumanCeiling(g)).ToList();

        // What the statistics use is the last reading of `records`: the single model, or the models' mean.
        var statistical = ModelReading.From(records, rawRecords is null ? ModelAgreement.Raw : ModelAgreement.Calibrated, names);
        var judged = statistical.Count == 0 ? null : statistical[^1];
        var readings = (rawRecords is null ? statistical : [.. ModelReading.From(rawRecords, ModelAgreement.Raw, names), .. statistical])
            .OrderBy(r => r.Model == ModelAgreement.AllModels)
            .ThenBy(r => r.Model, StringComparer.Ordinal)
            .ThenBy(r => r.Scores == ModelAgreement.Calibrated)
            .ToList();

        var dimensions = names.Select((name, i) => Dimension(name, i, golds[i], ceilings[i], readings, judged, settings)).ToList();
        var (coders, notListed) = CoderTable(used, golds, ceilings);
        return new ValiditySummary(settings, Rule(settings), Coverage(used, golds, analysed.Count), coders, notListed, dimensions);
    }

    private static DimensionValidity Dimension(
        string name,
        int index,
        DimensionGold gold,
        HumanCeiling ceiling,
        IReadOnlyList<ModelReading> readings,
        ModelReading? judged,
        ValiditySettings settings)
    {
        if (gold.Documents.Count == 0)
        {
            return new DimensionValidity(name, ValidityStatus.Unvalidated, "no gold ratings on the documents the run analysed", 0, null, [], null, null);
        }

        var samples = readings.Select(r => new ReadingSample(gold, r.Dimensions[index])).ToList();
        var ceilingPoint = ceiling.Measure();
        var points = samples.Select(s => s.Measure()).ToList();
        var ceilingBootstrap = new AgreementBootstrap();
        var bootstraps = samples.Select(_ => new AgreementBootstrap()).ToList();
        var ratios = samples.Select(_ => new BootstrapDistribution()).ToList();

        var n = gold.Documents.Count;
        var draws = new int[n];
        var random = new Random(settings.Seed);
        for (var resample = 0; resample < settings.BootstrapResamples; resample++)
        {
            Array.Clear(draws);
            for (var i = 0; i < n; i++)
            {
                draws[random.Next(n)]++;
            }

            var human = ceiling.Measure(draws);
            ceilingBootstrap.Add(human);
            for (var j = 0; j < samples.Count; j++)
            {
                var model = samples[j].Measure(draws);
                bootstraps[j].Add(model);
                ratios[j].Add(Ratio(model.Pearson, human.Pearson));
            }
        }

        var ceilingMetrics = ceiling.Documents == 0 ? null : ceilingBootstrap.Metrics(ceiling.Documents, ceilingPoint, ceiling.CodersMean, ceiling.CodersMean);
        var models = samples.Select((s, j) => new ModelAgreement(
                readings[j].Model,
                readings[j].Scores,
                bootstraps[j].Metrics(s.Documents, points[j], s.Mean, s.CodersMean),
                ratios[j].Estimate(Ratio(points[j].Pearson, ceilingPoint.Pearson))))
            .ToList();
        var judgedRow = judged is null ? null : models.Single(m => m.Model == judged.Model && m.Scores == judged.Scores);
        var (status, reason) = Judge(n, ceilingMetrics, judgedRow, settings);
        return new DimensionValidity(name, status, reason, n, ceilingMetrics, models, judgedRow?.Model, ScaleMismatch(judgedRow, gold.CoderMeans(ScaleCoderMinimumDocuments)))
        {
            JudgedScores = judgedRow?.Scores,
            CeilingPooled = ceiling.Pooled,
        };
    }

    /// <summary>Model r over ceiling r; undefined unless the ceiling is above 0 (a ratio to nothing, or to disagreement, means nothing).</summary>
    private static double? Ratio(double? model, double? ceiling) =>
        model is { } m && ceiling is { } c && c > 0 ? Finite.OrNull(m / c) : null;
}
