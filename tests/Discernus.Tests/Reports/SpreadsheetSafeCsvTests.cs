using System.Text;
using Discernus.Experiments;
using Discernus.Reports;

namespace Discernus.Tests.Reports;

/// <summary>
/// OWASP's CSV injection rule in every CSV Discernus writes: a text cell beginning with = + - @ tab or CR is written as
/// text (a leading apostrophe), numbers stay numbers, and gold files read back the ids they were given.
/// </summary>
public sealed class SpreadsheetSafeCsvTests
{
    public static TheoryData<string> Prefixes => new() { "=", "+", "-", "@", "\t", "\r" };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public async Task ExportCsv_WritesACellStartingWithAnInjectionCharacter_AsText(string prefix)
    {
        var hostile = prefix + "HYPERLINK(\"http://x\",\"click\")";
        var csv = await ExportAsync([hostile, "=cmd|' /C calc'!A0", -0.25, 1e-5]);

        var row = csv.Split('\n')[1];
        Assert.StartsWith("\"'" + prefix + "HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"", row);
        Assert.Contains("'=cmd|' /C calc'!A0", row);
        Assert.EndsWith(",-0.25,1E-05", row.TrimEnd('\r'));
    }

    [Fact]
    public async Task ExportCsv_LeavesNumbersAndPlainTextAlone()
    {
        var csv = await ExportAsync(["nano_positive_library", "-5", -1.5, 0.0]);

        Assert.Equal("nano_positive_library,-5,-1.5,0", csv.Split('\n')[1].TrimEnd('\r'));
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void GoldFile_EscapesEveryInjectionPrefix_AndReadsTheIdBack(string prefix)
    {
        var document = prefix + "SUM(1)";
        var merged = GoldFile.Merge(null, [new GoldRating(document, "positive_sentiment", 0.5, "ann")]);

        Assert.Contains("'" + prefix + "SUM(1)", merged);
        var (ratings, problems) = GoldFile.Parse(merged);
        Assert.Empty(problems);
        // The apostrophe protects a leading tab or CR from the trimming too: the id reads back exactly.
        Assert.Equal(document, Assert.Single(ratings).DocumentId);

        var again = GoldFile.Merge(merged, [new GoldRating(document, "positive_sentiment", 0.7, "ann")]);
        Assert.Equal(0.7, Assert.Single(GoldFile.Parse(again).Ratings).Score);
    }

    private static async Task<string> ExportAsync(object?[] cells)
    {
        using var output = new MemoryStream();
        await using (var writer = await ExportWriter.CreateAsync(ExportWriter.Csv, output, [
            new ExportColumn("document_id", ExportColumnType.Text),
            new ExportColumn("tone", ExportColumnType.Text),
            new ExportColumn("raw_score", ExportColumnType.Number),
            new ExportColumn("salience", ExportColumnType.Number),
        ]))
        {
            await writer.WriteRowAsync(cells);
            await writer.CompleteAsync();
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }
}
