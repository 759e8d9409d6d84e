using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

public sealed class ValiditySettingsReadingTests
{
    private const string Grouping = "grouping:";

    [Fact]
    public void NoSettings_MeanTheDefaultsAndNoCalibration()
    {
        var report = new ExperimentReader().Read(TestPaths.Project("nano"));

        Valid(report);
        Assert.Null(report.Experiment!.Validation);
        Assert.Null(report.Experiment.Calibration);
    }

    [Fact]
    public void Validation_IsRead_WithEveryKey()
    {
        using var temp = WithAppendix("validation: {min_ratio: 0.9, min_documents: 30, bootstrap_resamples: 500, seed: 7}");

        var report = new ExperimentReader().Read(temp.Path);

        Valid(report);
        Assert.Equal(new ValiditySettings(0.9, 30, 500, 7), report.Experiment!.Validation);
    }

    [Theory]
    [InlineData("validation: {min_ratio: 0}", "validation.min_ratio", "min_ratio must be a number above 0")]
    [InlineData("validation: {min_ratio: lots}", "validation.min_ratio", "not 'lots'")]
    [InlineData("validation: {bootstrap_resamples: 10}", "validation.bootstrap_resamples", "from 100 to 100,000")]
    [InlineData("validation: {min_documents: 2.5}", "validation.min_documents", "whole number")]
    [InlineData("validation: strict", "validation", "`validation` must be a mapping")]
    [InlineData("calibration: maybe", "calibration", "`calibration: maybe` is not a calibration setting")]
    [InlineData("calibration: {method: neural}", "calibration.method", "'neural' is not one of auto, linear, isotonic, ridge")]
    [InlineData("calibration: {folds: 1}", "calibration.folds", "from 2 to 20")]
    public void ABadSetting_IsBlocking_NamingTheFieldAndTheFix(string setting, string field, string message)
    {
        using var temp = WithAppendix(setting);
        File.WriteAllText(temp.File("gold.csv"), "document_id,dimension,score,coder\nnano_positive_library,positive_sentiment,0.9,ann\n");

        var report = new ExperimentReader().Read(temp.Path);

        Assert.False(report.IsValid);
        var finding = Assert.Single(report.Blocking, f => f.Field == field);
        Assert.Contains(message, finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("write", finding.Fix, StringComparison.Ordinal);
        Assert.EndsWith("experiment.md", finding.File, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("calibration: gold", "auto")]
    [InlineData("calibration: {method: isotonic, folds: 10, seed: 3}", "isotonic")]
    public void Calibration_IsRead_WhenAGoldFileExists(string setting, string method)
    {
        using var temp = WithAppendix(setting);
        File.WriteAllText(temp.File("gold.csv"), "document_id,dimension,score,coder\nnano_positive_library,positive_sentiment,0.9,ann\n");

        var report = new ExperimentReader().Read(temp.Path);

        Valid(report);
        Assert.Equal(method, report.Experiment!.Calibration!.Method);
    }

    [Fact]
    public void Calibration_WithoutAGoldFile_IsBlocking()
    {
        using var temp = WithAppendix("calibration: gold");

        var report = new ExperimentReader().Read(temp.Path);

        Assert.False(report.IsValid);
        var finding = Assert.Single(report.Blocking, f => f.Field == "calibration");
        Assert.Contains("no gold file", finding.Message, StringComparison.Ordinal);
        Assert.Contains("discernus serve", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void CalibrationNone_TurnsItOff()
    {
        using var temp = WithAppendix("calibration: none");

        var report = new ExperimentReader().Read(temp.Path);

        Valid(report);
        Assert.Null(report.Experiment!.Calibration);
    }

    private static TempExperiment WithAppendix(string setting)
    {
        var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", Grouping, setting + "\n" + Grouping);
        return temp;
    }
}
