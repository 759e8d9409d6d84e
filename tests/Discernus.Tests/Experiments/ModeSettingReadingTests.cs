using Discernus.Experiments;
using Discernus.Orchestration;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

/// <summary><c>mode: batch</c> in an experiment: read, checked, and turned into a batch run request by the one planning rule.</summary>
public sealed class ModeSettingReadingTests
{
    private const string Grouping = "grouping:";

    [Fact]
    public void WithoutMode_TheExperimentIsInteractive()
    {
        var report = new ExperimentReader().Read(TestPaths.Project("nano"));

        Valid(report);
        Assert.Equal("interactive", report.Experiment!.Mode);
    }

    [Fact]
    public void ModeBatch_IsRead_AndMakesTheRunRequestABatchOne()
    {
        using var temp = WithAppendix("mode: batch");

        var report = new ExperimentReader().Read(temp.Path);

        Valid(report);
        Assert.Equal("batch", report.Experiment!.Mode);
        var plan = RunPlanner.Plan(report.Experiment, ModelSelection.Resolve("openai/gpt-4o-mini", report.Experiment, DiscernusSettings.Defaults),
            DiscernusSettings.From(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-test" }), TimeProvider.System);
        Assert.True(plan.CanStart, string.Join("; ", plan.PreflightProblems));
        Assert.Equal("batch", plan.Request!.Options!["mode"]);
    }

    [Fact]
    public void AnUnknownMode_IsBlocking_NamingTheFieldAndTheFix()
    {
        using var temp = WithAppendix("mode: overnight");

        var report = new ExperimentReader().Read(temp.Path);

        Assert.False(report.IsValid);
        var finding = Assert.Single(report.Blocking, f => f.Field == "mode");
        Assert.Contains("overnight", finding.Message);
        Assert.Contains("mode: batch", finding.Fix);
    }

    [Fact]
    public void TheBudgetRule_ComparesTheEstimateOfTheModeTheRunWillUse()
    {
        var nano = new ExperimentReader().Read(TestPaths.Project("nano")).Experiment!;
        var estimate = CostEstimator.Estimate(nano, ["openai/gpt-4o-mini"]);
        // A budget between the batch and the interactive estimate: enough in batch mode only.
        var budget = Math.Round((estimate.Usd!.Value + estimate.BatchUsd!.Value) / 2, 6);
        using var temp = WithAppendix($"budget: {{max_cost_usd: {budget.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}");
        var experiment = new ExperimentReader().Read(temp.Path).Experiment!;
        var models = ModelSelection.Resolve("openai/gpt-4o-mini", experiment, DiscernusSettings.Defaults);
        var environment = DiscernusSettings.From(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-test" });

        var interactive = RunPlanner.Plan(experiment, models, environment, TimeProvider.System);
        var batch = RunPlanner.Plan(experiment, models, environment, TimeProvider.System, new Dictionary<string, string> { ["mode"] = "batch" });

        Assert.Contains("exceeds budget.max_cost_usd", interactive.BudgetProblem);
        Assert.Null(batch.BudgetProblem);
        Assert.True(batch.CanStart);
    }

    private static TempExperiment WithAppendix(string setting)
    {
        var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", Grouping, setting + "\n" + Grouping);
        return temp;
    }
}
