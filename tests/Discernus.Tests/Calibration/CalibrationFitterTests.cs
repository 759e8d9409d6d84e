using System.Diagnostics;
using System.Globalization;
using Discernus.Calibration;
using Discernus.Experiments;
using Xunit.Abstractions;
using static Discernus.Tests.Calibration.CalibrationTestData;

namespace Discernus.Tests.Calibration;

public sealed class CalibrationFitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShuffledLabels_GiveOutOfFoldScores_UnrelatedToTheLabels(bool withFeatures)
    {
        // With the labels shuffled nothing can be learnt; a leak (a map chosen or fitted on the label it scores) would show
        // as agreement with the labels anyway, the more so with 400 features to overfit.
        var (sample, _) = SparseLinear(300, 400, 20, seed: 11);
        var shuffled = sample with
        {
            Labels = Shuffled(sample.Labels, seed: 12),
            Features = withFeatures ? sample.Features : null,
            FeatureSet = withFeatures ? sample.FeatureSet : null,
        };

        var fit = CalibrationFitter.CrossFit(shuffled, new CalibrationSettings());

        // A leak (see the control below) drives r well above 0. Here no map predicts the labels better than their mean,
        // so the scores stay raw and are as unrelated to the labels as the raw scores are. (Had a map been fitted fold
        // by fold, cross-fitting's negative artifact under the null, about −√((k − 1)/n) per fitted parameter, would
        // show instead; ChangingEveryLabelOfAFold_... is the exact no-leak test.)
        var r = Pearson(fit.OutOfFold, shuffled.Labels);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fit.Selection.Method}: out-of-fold r {r:F3}; {fit.Note}"));
        Assert.True(Math.Abs(r) < 0.1, $"out-of-fold r with shuffled labels = {r:F3} ({fit.Selection.Method})");
        Assert.Equal(ConstantMap.Name, fit.Selection.Method);
        Assert.Contains("the scores stay raw", fit.Note, StringComparison.Ordinal);
        // Not because nothing was fitted: inner selection did compare the candidates.
        Assert.Equal(withFeatures ? 5 : 4, fit.Selection.Candidates.Count);
    }

    [Fact]
    public void ShuffledLabels_WouldCorrelate_IfTheMapsSawTheLabelsTheyScore()
    {
        // The control of the test above: the same data scored in sample (a leak) agrees with the noise.
        var (sample, _) = SparseLinear(300, 400, 20, seed: 11);
        var labels = Shuffled(sample.Labels, seed: 12);
        var rows = Enumerable.Range(0, 300).ToArray();
        var design = rows.Select(i => (double[])[sample.RawScores[i], .. sample.Features![i].Select(v => (double)v)]).ToList();

        var leaked = new RidgePath(design, rows, labels).Map(1);
        var scores = rows.Select(i => leaked.Predict(sample.RawScores[i], sample.Features![i])).ToArray();

        Assert.True(Pearson(scores, labels) > 0.3, $"in-sample r {Pearson(scores, labels):F3}");
    }

    [Theory]
    [InlineData("cube")]
    [InlineData("logistic")]
    public void MonotoneDistortion_IsUndone_ByIsotonicCrossFitting(string distortion)
    {
        var random = new Random(21);
        var truth = Truth(random, 300);
        Func<double, double> distort = distortion == "cube" ? t => t * t * t : t => 0.3 + (0.4 / (1 + Math.Exp(-8 * (t - 0.5))));
        var raw = truth.Select(distort).ToArray();
        var sample = new CalibrationSample(Ids(300), raw, Coded(random, truth));

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings(CalibrationSettings.Isotonic));
        var auto = CalibrationFitter.CrossFit(sample, new CalibrationSettings());

        Assert.Equal(CalibrationSettings.Isotonic, fit.Map.Method);
        Assert.True(Ccc(raw, truth) < 0.9, $"raw CCC {Ccc(raw, truth):F3}: the distortion should hurt");
        Assert.True(Ccc(fit.OutOfFold, truth) >= 0.95, $"isotonic out-of-fold CCC {Ccc(fit.OutOfFold, truth):F3}");
        Assert.Equal(CalibrationSettings.Isotonic, auto.Selection.Method);
    }

    [Fact]
    public void ScaledAndShiftedTruth_IsMappedBack_ByLinearCrossFitting()
    {
        var random = new Random(31);
        var truth = Truth(random, 300);
        var raw = truth.Select(t => 0.3 + (0.4 * t) + (0.04 * Normal(random))).ToArray();
        var sample = new CalibrationSample(Ids(300), raw, Coded(random, truth));

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings(CalibrationSettings.Linear));

        var r = Pearson(fit.OutOfFold, truth);
        var ccc = Ccc(fit.OutOfFold, truth);
        Assert.True(Ccc(raw, truth) < r - 0.2, $"raw CCC {Ccc(raw, truth):F3} vs r {r:F3}: the scale should be off before");
        Assert.True(r - ccc < 0.01, $"after linear calibration CCC {ccc:F3} should be close to r {r:F3}");
        // The least-squares line of the labels on the raw scores (shallower than 1 / 0.4: the raw scores are noisy).
        var map = Assert.IsType<LinearMap>(fit.Map);
        var (intercept, slope) = MathNet.Numerics.Fit.Line(raw, sample.Labels.ToArray());
        Assert.Equal(slope, map.Slope, 1e-9);
        Assert.Equal(intercept, map.Intercept, 1e-9);
    }

    [Fact]
    public void Ridge_RecoversATruthLinearInTwentyOfFourHundredFeatures()
    {
        var (sample, truth) = SparseLinear(300, 400, 20, seed: 41);

        var watch = Stopwatch.StartNew();
        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings());
        watch.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"300 coded × 400 features, auto, 5 × 5 nested folds: {watch.Elapsed.TotalSeconds:F2} s"));

        var r = Pearson(fit.OutOfFold, truth);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"out-of-fold r {r:F3}, raw r {Pearson(sample.RawScores, truth):F3}, penalty {fit.Selection.Penalty}"));
        Assert.True(r > 0.8, $"out-of-fold r {r:F3} (raw r {Pearson(sample.RawScores, truth):F3})");
        Assert.Equal(CalibrationSettings.Ridge, fit.Selection.Method);
        var penalty = Assert.IsType<RidgeMap>(fit.Map).Penalty;
        Assert.Equal(fit.Selection.Penalty, penalty);
        Assert.True(penalty > RidgePath.Penalties[0] && penalty < RidgePath.Penalties[^1], $"penalty {penalty} at the edge of the grid");
        Assert.All(fit.FoldMaps, m => Assert.Equal(CalibrationSettings.Ridge, m.Method));
    }

    [Fact]
    public void Ridge_WithIndependentFeatures_DoesAsWellAsRidgeCan()
    {
        // 400 independent features, 240 training documents: ridge's R² is capped near 240 / 400, r near 0.77.
        var (sample, truth) = SparseLinear(300, 400, 20, seed: 41, independent: true);

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings(CalibrationSettings.Ridge));

        var r = Pearson(fit.OutOfFold, truth);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"independent features: out-of-fold r {r:F3}, raw r {Pearson(sample.RawScores, truth):F3}, penalty {fit.Selection.Penalty}"));
        Assert.True(r > 0.7, $"out-of-fold r {r:F3}");
    }

    [Fact]
    public void OutOfFold_IsTheFoldMapOfEachDocument_AndTheFoldMapNeverSawIt()
    {
        var (sample, _) = SparseLinear(60, 10, 5, seed: 51);

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings());

        for (var i = 0; i < sample.Count; i++)
        {
            Assert.Equal(fit.OutOfFold[i], fit.MapOf(i).Predict(sample.RawScores[i], sample.Features![i]));
        }

        Assert.Equal(5, fit.FoldMaps.Count);
        Assert.Equal([12, 12, 12, 12, 12], fit.Folds.GroupBy(f => f).Select(g => g.Count()));
    }

    [Fact]
    public void ChangingOneLabel_LeavesThatDocumentsOwnScoreUnchanged()
    {
        var (sample, _) = SparseLinear(100, 30, 5, seed: 61);
        var labels = sample.Labels.ToArray();
        labels[17] = 1 - labels[17];

        var before = CalibrationFitter.CrossFit(sample, new CalibrationSettings());
        var after = CalibrationFitter.CrossFit(sample with { Labels = labels }, new CalibrationSettings());

        Assert.Equal(before.OutOfFold[17], after.OutOfFold[17]);
        // The label did matter: the maps of the other folds changed.
        Assert.NotEqual(before.OutOfFold, after.OutOfFold);
    }

    [Fact]
    public void ChangingEveryLabelOfAFold_LeavesThatFoldsScoresUnchanged()
    {
        var (sample, _) = SparseLinear(100, 30, 5, seed: 63);
        var before = CalibrationFitter.CrossFit(sample, new CalibrationSettings());
        var labels = sample.Labels.Select((y, i) => before.Folds[i] == 2 ? 1 - y : y).ToArray();

        var after = CalibrationFitter.CrossFit(sample with { Labels = labels }, new CalibrationSettings());

        Assert.Equal(before.Folds, after.Folds);
        for (var i = 0; i < sample.Count; i++)
        {
            if (before.Folds[i] == 2)
            {
                Assert.Equal(before.OutOfFold[i], after.OutOfFold[i]);
            }
        }

        Assert.NotEqual(before.OutOfFold, after.OutOfFold);
    }

    [Fact]
    public void Ridge_WithoutFeatures_FallsBackToLinear_AndSaysSo()
    {
        var random = new Random(71);
        var truth = Truth(random, 50);
        var sample = new CalibrationSample(Ids(50), truth.Select(t => 0.5 * t).ToArray(), Coded(random, truth));

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings(CalibrationSettings.Ridge));

        Assert.IsType<LinearMap>(fit.Map);
        Assert.All(fit.FoldMaps, m => Assert.IsType<LinearMap>(m));
        Assert.Contains("no document features", fit.Note);
    }

    [Theory]
    [InlineData(CalibrationSettings.Linear, typeof(LinearMap))]
    [InlineData(CalibrationSettings.Isotonic, typeof(IsotonicMap))]
    [InlineData(CalibrationSettings.Ridge, typeof(RidgeMap))]
    public void ANamedMethod_IsUsedAsNamed_EvenWhenAnotherWouldDoBetter(string method, Type map)
    {
        var (sample, _) = SparseLinear(80, 20, 5, seed: 81);

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings(method));

        Assert.IsType(map, fit.Map);
        Assert.All(fit.FoldMaps, m => Assert.IsType(map, m));
        Assert.Equal(method, fit.Selection.Method);
        // The record still shows how every candidate did on all coded documents.
        Assert.Equal(["identity", "linear", "isotonic", "ridge"], fit.Selection.Candidates.Select(c => c.Method));
        Assert.Null(fit.Note);
    }

    [Fact]
    public void TooFewCodedDocuments_LeaveTheScoresRaw()
    {
        var sample = new CalibrationSample(Ids(9), [.. Enumerable.Range(0, 9).Select(i => i / 10.0)], [.. Enumerable.Range(0, 9).Select(i => 1 - (i / 10.0))]);

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings());

        Assert.Same(IdentityMap.Instance, fit.Map);
        Assert.Equal(sample.RawScores, fit.OutOfFold);
        Assert.Contains("fewer than 10", fit.Note);
    }

    [Fact]
    public void Auto_ChoosesTheCandidateWithTheLowestInnerError()
    {
        var random = new Random(91);
        var truth = Truth(random, 200);
        var sample = new CalibrationSample(Ids(200), truth.Select(t => Clip(0.2 + (0.5 * t) + (0.1 * Normal(random)))).ToArray(), truth);

        var fit = CalibrationFitter.CrossFit(sample, new CalibrationSettings());

        var best = fit.Selection.Candidates.MinBy(c => c.CrossValidatedMse)!;
        Assert.Equal(best.Method, fit.Selection.Method);
        Assert.Equal(best.Method, fit.Map.Method);
        Assert.True(fit.Selection.Candidates.Single(c => c.Method == CalibrationSettings.Identity).CrossValidatedMse > best.CrossValidatedMse);
    }

    [Fact]
    public void FoldsBelowTwo_AreRefused()
    {
        var sample = new CalibrationSample(Ids(20), new double[20], new double[20]);

        var error = Assert.Throws<ArgumentException>(() => CalibrationFitter.CrossFit(sample, new CalibrationSettings(Folds: 1)));

        Assert.Contains("at least 2 folds", error.Message);
    }
}
