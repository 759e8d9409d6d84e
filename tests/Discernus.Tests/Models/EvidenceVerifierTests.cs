using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class EvidenceVerifierTests
{
    private const string Document =
        "The minister said: “We won’t surrender — not now, not ever.” Then she paused.\n" +
        "Our children deserve a future\n   worth fighting for, and we will\r\nbuild it together.";

    [Theory]
    [InlineData("We won't surrender - not now, not ever.")]
    [InlineData("\"We won't surrender - not now, not ever.\"")]
    [InlineData("We won’t surrender — not now")]
    [InlineData("a future worth fighting for, and we will build it together")]
    [InlineData("our children deserve a future")]
    [InlineData("Our children deserve ... build it together.")]
    [InlineData("The minister said: […] Then she paused.")]
    [InlineData("We won't surrender… not ever")]
    public void Quote_InDocument_IsVerified(string quote)
    {
        Assert.True(EvidenceVerifier.IsVerified(quote, Document), quote);
        // The form an analysis uses: the document normalised once for all its quotes.
        Assert.True(EvidenceVerifier.For(Document)(quote), quote);
    }

    [Theory]
    [InlineData("We will surrender")]
    [InlineData("build it together ... Our children deserve")]
    [InlineData("Our children deserve a bright future")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("...")]
    [InlineData(null)]
    public void Quote_NotInDocument_IsNotVerified(string? quote)
    {
        Assert.False(EvidenceVerifier.IsVerified(quote, Document), quote);
        Assert.False(EvidenceVerifier.For(Document)(quote), quote);
    }

    [Fact]
    public void One_documents_test_answers_each_quote_on_its_own()
    {
        var verified = EvidenceVerifier.For(Document);
        Assert.True(verified("our children deserve a future"));
        Assert.False(verified("We will surrender"));
        Assert.True(verified("We won’t surrender — not now"));
        Assert.False(verified(null));
    }

    [Fact]
    public void Normalize_MapsTypographyAndWhiteSpace() =>
        Assert.Equal("\"a\" 'b' c-d e", EvidenceVerifier.Normalize("  “a”\t‘b’\n\nc–d\u00A0e "));
}
