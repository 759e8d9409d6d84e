using Discernus.Statistics;
using static Discernus.Tests.Statistics.ReferenceData;

namespace Discernus.Tests.Statistics;

public sealed class AgreementStatisticsTests
{
    [Fact]
    public void KrippendorffAlphaInterval_MatchesKrippendorffsOwnExample()
    {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", reliability data of 4 observers × 12 units with
        // missing values: alpha (interval) = 0.849 (nominal 0.743). Unit 12 has one value and is not pairable.
        double?[][] coders =
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
            [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
        ];
        var units = Enumerable.Range(0, 12).Select(u => (IReadOnlyList<double>)coders.Select(c => c[u]).OfType<double>().ToList());

        var alpha = AgreementStatistics.KrippendorffAlphaInterval(units);

        Assert.Equal(0.849, alpha!.Value, 3);
    }

    [Fact]
    public void KrippendorffAlpha_IsOneForPerfectAgreement_AndNullWithoutVariation()
    {
        Assert.Equal(1.0, AgreementStatistics.KrippendorffAlphaInterval([[0.2, 0.2], [0.8, 0.8], [0.5, 0.5]]));
        Assert.Null(AgreementStatistics.KrippendorffAlphaInterval([[0.5, 0.5], [0.5, 0.5]]));
        Assert.Null(AgreementStatistics.KrippendorffAlphaInterval([[0.1, 0.9]]));
    }

    [Fact]
    public void Icc21_MatchesShroutAndFleiss1979()
    {
        // Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges; Table 4: ICC(2,1) = .29 (exactly 184/635 = 0.289764).
        IReadOnlyList<double?>[] ratings =
        [
            [9, 2, 5, 8],
            [6, 1, 3, 2],
            [8, 4, 6, 8],
            [7, 1, 2, 6],
            [10, 5, 6, 9],
            [6, 2, 4, 7],
        ];

        Assert.Equal(184.0 / 635, AgreementStatistics.Icc21(ratings)!.Value, 12);
    }

    [Fact]
    public void Icc21_UsesCompleteTargetsOnly()
    {
        IReadOnlyList<double?>[] ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7], [1, null, 3, 4]];

        Assert.Equal(184.0 / 635, AgreementStatistics.Icc21(ratings)!.Value, 12);
    }

    [Fact]
    public void LinCcc_FollowsLin1989_ComputedExactlyByHand()
    {
        // Lin (1989) eq. 2 with moments over n, on the two sleep series as paired readings; with exact fractions:
        // s_xy = 3.0861, s_x² = 2.88050, s_y² = 3.6081, (x̄ − ȳ)² = 2.4964 → ρc = 1709/2995 = 0.5706177.
        Assert.Equal(1709.0 / 2995, AgreementStatistics.LinCcc(SleepGroup1, SleepGroup2)!.Value, 12);
        Assert.Equal(1.0, AgreementStatistics.LinCcc([0.1, 0.5, 0.9], [0.1, 0.5, 0.9])!.Value, 12);
    }

    [Fact]
    public void MeanAbsoluteDifference_AveragesTheGaps()
    {
        Assert.Equal(0.2, AgreementStatistics.MeanAbsoluteDifference([0.1, 0.5, 0.9], [0.3, 0.3, 0.7])!.Value, 12);
    }
}
