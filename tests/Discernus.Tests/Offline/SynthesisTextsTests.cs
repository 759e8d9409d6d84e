using Discernus.MiniLM;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Discernus.Reports;
using Discernus.Statistics;

namespace Discernus.Tests.Offline;

public sealed class SynthesisTextsTests
{
    public static TheoryData<string> Sources => ["lexicon", "minilm"];

    [Theory]
    [MemberData(nameof(Sources))]
    public void EverySynthesisSentence_IsWrittenInTheResourceFile(string source)
    {
        var texts = source == "lexicon" ? LexiconTexts.LoadDefault() : MiniLMTexts.Load();

        // A key missing from one YAML file would leave an empty sentence (a blank line where the validity statement goes).
        var empty = typeof(LexiconTexts.SynthesisTexts).GetProperties()
            .Where(p => p.PropertyType == typeof(string) && string.IsNullOrWhiteSpace((string?)p.GetValue(texts.Synthesis)))
            .Select(p => p.Name)
            .ToList();
        Assert.Empty(empty);
    }

    [Fact]
    public void ANumberWithATrueMinusSign_IsCheckedLikeOneWithAHyphen()
    {
        var statistics = StatisticsCalculator.Compute([], ["hope"]) with
        {
            VariableValidity = new Dictionary<string, string>(),
        };
        var withCorrelation = statistics with
        {
            Correlations = new CorrelationMatrix(["hope", "fear"], [[null, -0.094], [-0.094, null]], [[0, 12], [12, 0]]),
        };

        var (annotated, unmatched) = SynthesisNumberCheck.Annotate("r = \u22120.09 and r = -0.094; invented: \u22120.51", withCorrelation);

        Assert.Equal(["\u22120.51"], unmatched);
        Assert.Contains("\u22120.09 and", annotated);
        Assert.Contains("\u22120.51 ⚠", annotated);
    }
}
