using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class AnalysisAnswerValidatorTests
{
    private static readonly Discernus.Experiments.Framework Framework = ModelsTestData.HopeFearFramework();

    private const string Good = """
        {"dimensional_scores": {
           "hope": {"raw_score": 0.8, "salience": 0.7, "confidence": 0.9, "evidence": ["we gather in hope"]},
           "fear": {"raw_score": 0, "salience": 0.1, "confidence": 0.6, "evidence": []}},
         "notes": "short"}
        """;

    private static AnalysisValidationResult Validate(string answer, bool allowNotScorable = false) =>
        AnalysisAnswerValidator.Validate(answer, Framework, allowNotScorable);

    [Fact]
    public void GoodAnswer_IsAccepted_InFrameworkOrder()
    {
        var result = Validate(Good);

        Assert.True(result.IsValid, result.ProblemsText);
        Assert.Empty(result.Problems);
        Assert.Equal(["hope", "fear"], result.Analysis!.Dimensions.Select(d => d.Name));
        var hope = result.Analysis.Find("hope")!;
        Assert.Equal(0.8, hope.Score);
        Assert.Equal(0.7, hope.Salience);
        Assert.Equal(0.9, hope.Confidence);
        Assert.Equal(["we gather in hope"], hope.Evidence);
        Assert.Equal("short", result.Analysis.Notes);
    }

    [Fact]
    public void FencedJsonWithProse_IsAccepted()
    {
        var result = Validate($"Here is my analysis:\n```json\n{Good}\n```\nLet me know if you need more.");

        Assert.True(result.IsValid, result.ProblemsText);
    }

    [Fact]
    public void ProseAroundBareJson_IsAccepted()
    {
        var result = Validate($"Sure! {Good} Hope this helps.");

        Assert.True(result.IsValid, result.ProblemsText);
    }

    [Fact]
    public void ScoreAlias_QuoteObjects_AndNumericStrings_AreAccepted()
    {
        var result = Validate("""
            {"dimensional_scores": {
              "hope": {"score": "0.5", "salience": 0.5, "confidence": 0.5, "evidence": [{"quote": "a quote"}, "another"]},
              "fear": {"raw_score": 0.1, "salience": 0.1, "confidence": 0.1}}}
            """);

        Assert.True(result.IsValid, result.ProblemsText);
        Assert.Equal(0.5, result.Analysis!.Find("hope")!.Score);
        Assert.Equal(["a quote", "another"], result.Analysis.Find("hope")!.Evidence);
        Assert.Empty(result.Analysis.Find("fear")!.Evidence);
    }

    [Fact]
    public void MissingDimension_IsReportedByName()
    {
        var result = Validate("""{"dimensional_scores": {"hope": {"raw_score": 0.5, "salience": 0.5, "confidence": 0.5}}}""");

        Assert.False(result.IsValid);
        Assert.Equal(["dimension 'fear' missing from \"dimensional_scores\""], result.Problems);
    }

    [Fact]
    public void OutOfRange_IsReportedWithPathAndValue()
    {
        var result = Validate(Good.Replace("\"salience\": 0.7", "\"salience\": 1.7"));

        Assert.False(result.IsValid);
        Assert.Equal(["dimensional_scores.hope.salience = 1.7 is outside 0–1"], result.Problems);
    }

    [Fact]
    public void MissingField_IsReported()
    {
        var result = Validate(Good.Replace("\"confidence\": 0.6, ", ""));

        Assert.Equal(["dimensional_scores.fear.confidence is missing; give a number between 0 and 1"], result.Problems);
    }

    [Fact]
    public void NonJson_IsReported()
    {
        var result = Validate("I think the text is quite hopeful overall.");

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("answer is not JSON: ", problem);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void EmptyAnswer_IsReported() =>
        Assert.StartsWith("answer is not JSON", Assert.Single(Validate("").Problems));

    [Fact]
    public void JsonWithoutScores_IsReported() =>
        Assert.Equal(["answer has no \"dimensional_scores\" object; put one entry per dimension under \"dimensional_scores\"."],
            Validate("""{"hope": 0.5}""").Problems);

    [Fact]
    public void NonNumber_IsReported()
    {
        var result = Validate(Good.Replace("\"raw_score\": 0.8", "\"raw_score\": \"high\""));

        Assert.Equal(["dimensional_scores.hope.raw_score = \"high\" is not a number; give a number between 0 and 1"], result.Problems);
    }

    [Fact]
    public void SeveralProblems_AreAllReported()
    {
        var result = Validate("""{"dimensional_scores": {"hope": {"raw_score": -0.2, "salience": 0.5, "confidence": 2}}}""");

        Assert.Equal(3, result.Problems.Count);
        Assert.Contains("dimensional_scores.hope.raw_score = -0.2 is outside 0–1", result.Problems);
        Assert.Contains("dimensional_scores.hope.confidence = 2 is outside 0–1", result.Problems);
        Assert.Contains("dimension 'fear' missing from \"dimensional_scores\"", result.Problems);
    }

    [Fact]
    public void ExtraDimension_IsIgnored_AndNoted()
    {
        var result = Validate(Good.Replace("\"notes\"", "\"extra\": 1, \"notes\"").Replace("\"fear\":", "\"anger\": {\"raw_score\": 0.3}, \"fear\":"));

        Assert.True(result.IsValid, result.ProblemsText);
        Assert.Equal(2, result.Analysis!.Dimensions.Count);
        Assert.Contains("ignored dimension 'anger': it is not in the framework", result.Notes);
    }

    [Fact]
    public void LooselyWrittenDimensionName_IsAccepted_AndNoted()
    {
        var framework = Framework with
        {
            Dimensions = [new Discernus.Experiments.Dimension { Name = "Moral Outrage" }],
        };

        var result = AnalysisAnswerValidator.Validate(
            """{"dimensional_scores": {"moral_outrage": {"raw_score": 0.2, "salience": 0.2, "confidence": 0.2}}}""", framework, false);

        Assert.True(result.IsValid, result.ProblemsText);
        Assert.Equal("Moral Outrage", result.Analysis!.Dimensions.Single().Name);
        Assert.Contains("dimension 'Moral Outrage' was written as 'moral_outrage'", result.Notes);
    }

    [Fact]
    public void NullScores_WithReason_AreAcceptedOnlyWhenAllowed()
    {
        var answer = Good.Replace(
            "\"fear\": {\"raw_score\": 0, \"salience\": 0.1, \"confidence\": 0.6, \"evidence\": []}",
            "\"fear\": {\"raw_score\": null, \"salience\": null, \"confidence\": null, \"not_scorable_reason\": \"no markers\"}");

        var allowed = Validate(answer, allowNotScorable: true);
        var refused = Validate(answer, allowNotScorable: false);

        Assert.True(allowed.IsValid, allowed.ProblemsText);
        Assert.Equal("no markers", allowed.Analysis!.Find("fear")!.NotScorableReason);
        Assert.Null(allowed.Analysis.Find("fear")!.Score);
        Assert.False(refused.IsValid);
        Assert.Contains("dimensional_scores.fear.salience is null; give a number between 0 and 1", refused.Problems);
    }

    [Fact]
    public void NullScores_WithoutReason_AreRejectedEvenWhenAllowed()
    {
        var result = Validate(Good.Replace("\"raw_score\": 0.8", "\"raw_score\": null"), allowNotScorable: true);

        Assert.Equal(["dimensional_scores.hope.raw_score is null; give a number between 0 and 1, or add \"not_scorable_reason\""], result.Problems);
    }

    [Fact]
    public void BadEvidenceItem_IsReported()
    {
        var result = Validate(Good.Replace("[\"we gather in hope\"]", "[42]"));

        Assert.Equal(["dimensional_scores.hope.evidence[0] must be a quote string or {\"quote\": \"...\"}"], result.Problems);
    }

    [Fact]
    public void ProblemsText_IsABulletList()
    {
        var result = Validate("""{"dimensional_scores": {}}""");

        Assert.Equal("- dimension 'hope' missing from \"dimensional_scores\"\n- dimension 'fear' missing from \"dimensional_scores\"", result.ProblemsText);
    }
}
