using Discernus.MiniLM;
using Discernus.Models;

namespace Discernus.Tests.MiniLM;

public sealed class SemanticUnitsTests
{
    [Fact]
    public void EveryUnit_IsAVerbatimQuote_ThatVerifies()
    {
        const string text = "# A heading\n\nFirst sentence of the text,\nwrapped over   two lines. Second “quoted” sentence — with a dash!\n\nThird one?";

        var units = SemanticUnits.Of(text);

        Assert.Equal(["First sentence of the text, wrapped over two lines.", "Second “quoted” sentence — with a dash!"], units.Select(u => u.Quote));
        Assert.All(units, u => Assert.True(EvidenceVerifier.IsVerified(u.Quote, text), u.Quote));
        Assert.All(units, u => Assert.Equal(u.Quote, string.Join(' ', text[u.Start..u.End].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
    }

    [Fact]
    public void NineteenMegabytesOnOneLine_WithoutASentenceBreak_IsWindowedLinearly()
    {
        // Issue 14: one "sentence" of three million words; each unit is one window, never the whole line.
        var text = string.Join(' ', Enumerable.Repeat("people demand change and nothing less", 500_000));

        var units = SemanticUnits.Of(text);

        Assert.Equal(3_000_000 / SemanticUnits.MaxWords, units.Count);
        Assert.All(units, u => Assert.True(u.Words <= SemanticUnits.MaxWords && u.Quote.Length <= SemanticUnits.MaxChars, u.Quote));
        Assert.Equal(text.Length, units[^1].End);
    }

    [Fact]
    public void LongSentence_IsCutIntoConsecutiveWindows()
    {
        var text = string.Join(' ', Enumerable.Range(1, 100).Select(i => $"word{i}")) + ".";

        var units = SemanticUnits.Of(text);

        Assert.Equal(3, units.Count);
        Assert.All(units, u => Assert.InRange(u.Words, 1, SemanticUnits.MaxWords));
        Assert.All(units, u => Assert.True(u.Quote.Length <= SemanticUnits.MaxChars, $"{u.Quote.Length} characters"));
        Assert.Equal(text.Split(' '), units.SelectMany(u => u.Quote.Split(' ')));
    }

    [Fact]
    public void DocumentOfFragmentsOnly_KeepsThem()
    {
        var units = SemanticUnits.Of("Thank you. Bye!");

        Assert.Equal(["Thank you.", "Bye!"], units.Select(u => u.Quote));
    }

    [Fact]
    public void EmptyOrPunctuationOnlyDocument_HasNoUnits()
    {
        Assert.Empty(SemanticUnits.Of(""));
        Assert.Empty(SemanticUnits.Of("  —  ... \n\n *** "));
    }
}
