using Discernus.Calibration;
using static Discernus.Tests.Calibration.CalibrationTestData;

namespace Discernus.Tests.Calibration;

public sealed class CalibrationFoldsTests
{
    [Fact]
    public void Folds_AreBalanced()
    {
        var folds = CalibrationFolds.Assign(Ids(303), 5, seed: 7, CalibrationFolds.Outer);

        var sizes = folds.GroupBy(f => f).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
        Assert.Equal([61, 61, 61, 60, 60], sizes);
    }

    [Fact]
    public void SameSeed_GivesTheSameFolds_WhateverTheOrderOfTheDocuments()
    {
        var ids = Ids(100);
        var reversed = ids.AsEnumerable().Reverse().ToList();

        var folds = CalibrationFolds.Assign(ids, 5, seed: 7, CalibrationFolds.Outer);
        var again = CalibrationFolds.Assign(reversed, 5, seed: 7, CalibrationFolds.Outer);

        Assert.Equal(folds, again.Reverse());
    }

    [Fact]
    public void AnotherSeed_OrAnotherSalt_GivesOtherFolds()
    {
        var ids = Ids(100);
        var folds = CalibrationFolds.Assign(ids, 5, seed: 7, CalibrationFolds.Outer);

        var otherSeed = CalibrationFolds.Assign(ids, 5, seed: 8, CalibrationFolds.Outer);
        var otherSalt = CalibrationFolds.Assign(ids, 5, seed: 7, CalibrationFolds.Inner);

        Assert.True(folds.Zip(otherSeed).Count(p => p.First != p.Second) > 50);
        Assert.True(folds.Zip(otherSalt).Count(p => p.First != p.Second) > 50);
    }
}
