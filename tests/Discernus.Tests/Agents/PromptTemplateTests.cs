using System.Text;
using Discernus.Agents;

namespace Discernus.Tests.Agents;

public sealed class PromptTemplateTests
{
    [Fact]
    public void Fill_Throws_NamingThePlaceholderWithoutAValue()
    {
        var values = new Dictionary<string, string> { ["framework_name"] = "nano" };

        var error = Assert.Throws<InvalidDataException>(() => PromptTemplate.Fill("Apply {{framework_name}} to {{ document_text }}.", values));

        Assert.Contains("document_text", error.Message);
        Assert.DoesNotContain("framework_name", error.Message);
    }

    [Fact]
    public void Fill_ReplacesEveryPlaceholder_WhenAllHaveValues()
    {
        var values = new Dictionary<string, string> { ["a"] = "one", ["b"] = "two" };

        Assert.Equal("one and two and one", PromptTemplate.Fill("{{a}} and {{ b }} and {{a}}", values));
    }

    [Fact]
    public void Render_OfTheShippedAnalysisPrompt_Throws_WhenTheDocumentIsMissing()
    {
        var prompt = PromptTemplate.Parse(PromptLibrary.Load(PromptLibrary.AnalyseDocument).Content);
        var values = new Dictionary<string, string>
        {
            ["framework_name"] = "nano",
            ["framework_text"] = "text",
            ["analysis_variant"] = "default",
            ["analysis_instructions"] = "score",
            ["dimension_names"] = "a, b",
            ["calibration"] = string.Empty,
            ["document_name"] = "speech.txt",
        };

        var error = Assert.Throws<InvalidDataException>(() => prompt.Render("user", values));

        Assert.Contains("document_text", error.Message);
        values["document_text"] = "The speech.";
        Assert.Contains("=== DOCUMENT: speech.txt ===", prompt.Render("user", values));
    }

    [Fact]
    public void Parse_Rejects_APromptFileThatIsNotAMapping()
    {
        Assert.Throws<InvalidDataException>(() => PromptTemplate.Parse(Encoding.UTF8.GetBytes("- just\n- a list\n")));
    }
}
