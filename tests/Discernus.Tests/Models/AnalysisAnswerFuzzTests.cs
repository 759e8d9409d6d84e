using Discernus.Experiments;
using Discernus.Models;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Models;

/// <summary>Whatever a model answers, validation gives a result or problems to show it: never an exception.</summary>
public sealed class AnalysisAnswerFuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MutatedAnswers_AreValidatedWithoutExceptions(int seed)
    {
        var framework = new ExperimentReader().Read(TestPaths.Project("nano")).Experiment!.Framework;
        const string valid = """{"dimensional_scores": {"positive_sentiment": {"raw_score": 0.8, "salience": 0.7, "confidence": 0.9, "evidence": ["wonderful new reading room"]}, "negative_sentiment": {"raw_score": 0.1, "salience": 0.1, "confidence": 0.8, "evidence": []}}}""";
        const string specials = "{}[]\":,.-0123456789eE\\ntrufalsn \u201c\u2026";
        var random = new Random(seed);
        var accepted = 0;
        for (var i = 0; i < 500; i++)
        {
            var chars = valid.ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(chars.Count);
                if (random.Next(2) == 0)
                {
                    chars.RemoveAt(at);
                }
                else
                {
                    chars.Insert(at, specials[random.Next(specials.Length)]);
                }
            }

            var result = AnalysisAnswerValidator.Validate(new string(chars.ToArray()), framework, allowNotScorable: false);

            Assert.True(result.IsValid || result.Problems.Count > 0);
            if (result.Analysis is { } analysis)
            {
                accepted++;
                Assert.All(analysis.Dimensions, d => Assert.InRange(d.Score!.Value, 0, 1));
                Assert.All(analysis.Dimensions.SelectMany(d => d.Evidence), q => EvidenceVerifier.IsVerified(q, "any document text"));
            }
        }

        Assert.InRange(accepted, 1, 499);
    }
}
