using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Discernus.Offline.Lexicon;

/// <summary>The sentences the lexicon model writes, from <c>Resources/lexicon-texts.yaml</c>; <see cref="Fill"/> replaces <c>{name}</c> placeholders.</summary>
public sealed class LexiconTexts
{
    public AnalysisTexts Analysis { get; set; } = new();
    public string UnsupportedRequest { get; set; } = "";
    public SynthesisTexts Synthesis { get; set; } = new();

    public static LexiconTexts LoadDefault() => Parse(LexiconResources.GetText(LexiconResources.LexiconTexts));

    public static LexiconTexts Parse(string yaml) =>
        new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build()
            .Deserialize<LexiconTexts>(yaml);

    public static string Fill(string template, params (string Name, string Value)[] values)
    {
        var builder = new StringBuilder(template.Trim());
        foreach (var (name, value) in values)
        {
            builder.Replace("{" + name + "}", value);
        }

        return builder.ToString();
    }

    public sealed class AnalysisTexts
    {
        public string Notes { get; set; } = "";
        public string NotScorableReason { get; set; } = "";
    }

    public sealed class SynthesisTexts
    {
        public string Title { get; set; } = "";
        public string Disclaimer { get; set; } = "";
        public string Framework { get; set; } = "";
        public string Highest { get; set; } = "";
        public string Lowest { get; set; } = "";
        public string Tie { get; set; } = "";
        public string NoSignal { get; set; } = "";
        public string RankingHeader { get; set; } = "";
        public string RankingItem { get; set; } = "";
        public string NoMeans { get; set; } = "";
        public string StrongestCorrelation { get; set; } = "";
        public string NoCorrelation { get; set; } = "";
        public string LargestGroupDifference { get; set; } = "";
        public string NoGroupDifference { get; set; } = "";
        public string Unvalidated { get; set; } = "";
        public string NotValidated { get; set; } = "";
        public string Validated { get; set; } = "";
        public string NotValidatedMark { get; set; } = "";
    }
}
