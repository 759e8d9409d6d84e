using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Discernus.Experiments;

/// <summary>One human coder's score for one dimension of one document (a row of the gold file).</summary>
/// <param name="DocumentId">The corpus manifest's <c>document_id</c>.</param>
/// <param name="Score">On the framework's 0–1 scale.</param>
public sealed record GoldRating(string DocumentId, string Dimension, double Score, string Coder);

/// <summary>A problem in a gold file, with its 1-based line (0 for the file as a whole).</summary>
internal sealed record GoldFileProblem(int Line, string Message);

/// <summary>
/// The human-coding file an experiment names as <c>components.gold</c>: CSV with the header
/// <c>document_id,dimension,score,coder</c> (more columns are ignored), one row per coder, document and dimension.
/// <c>discernus serve</c> writes the same format, so reading and writing live together here.
/// </summary>
internal static class GoldFile
{
    public static readonly IReadOnlyList<string> Columns = ["document_id", "dimension", "score", "coder"];

    /// <summary>Reads every row; rows with a problem are left out and reported with their line.</summary>
    public static (IReadOnlyList<GoldRating> Ratings, IReadOnlyList<GoldFileProblem> Problems) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ratings = new List<GoldRating>();
        var problems = new List<GoldFileProblem>();
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        };
        using var reader = new StringReader(text.TrimStart('\uFEFF'));
        using var csv = new CsvReader(reader, configuration);
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
            {
                problems.Add(new GoldFileProblem(0, "the file is empty; expected the header document_id,dimension,score,coder"));
                return (ratings, problems);
            }

            var names = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
            var missing = Columns.Where(c => !names.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                problems.Add(new GoldFileProblem(1, $"the header lacks {string.Join(", ", missing)} (it has: {string.Join(", ", header)}); expected document_id,dimension,score,coder"));
                return (ratings, problems);
            }

            var index = Columns.ToDictionary(c => c, c => names.IndexOf(c), StringComparer.Ordinal);
            while (csv.Read())
            {
                var line = csv.Parser.RawRow;
                string Field(string column) => csv.TryGetField<string>(index[column], out var value) ? SpreadsheetSafeCsvWriter.Unescape(value?.Trim() ?? string.Empty) : string.Empty;
                var (document, dimension, scoreText, coder) = (Field("document_id"), Field("dimension"), Field("score"), Field("coder"));
                if (document.Length == 0 && dimension.Length == 0 && scoreText.Length == 0 && coder.Length == 0)
                {
                    continue;
                }

                var empty = new[] { ("document_id", document), ("dimension", dimension), ("score", scoreText), ("coder", coder) }.Where(f => f.Item2.Length == 0).Select(f => f.Item1).ToList();
                if (empty.Count > 0)
                {
                    problems.Add(new GoldFileProblem(line, $"{string.Join(", ", empty)} is empty"));
                    continue;
                }

                if (!double.TryParse(scoreText, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score) || score < 0 || score > 1)
                {
                    problems.Add(new GoldFileProblem(line, $"score '{scoreText}' is not a number from 0 to 1 (the framework's scale; a decimal point, not a comma)"));
                    continue;
                }

                ratings.Add(new GoldRating(document, dimension, score, coder));
            }
        }
        catch (CsvHelperException ex)
        {
            problems.Add(new GoldFileProblem(csv.Parser.RawRow, $"the CSV cannot be read: {ex.Message.Split('\n')[0]}"));
        }

        return (ratings, problems);
    }

    /// <summary>The name a gold file has when the experiment does not name one: found there by the reader, written there by <c>discernus serve</c>.</summary>
    public const string DefaultFileName = "gold.csv";

    /// <summary>
    /// The file's text with <paramref name="ratings"/> added, each replacing the row of the same document, dimension and
    /// coder; every other line (other coders, extra columns) is kept exactly as it was.
    /// </summary>
    /// <exception cref="InvalidDataException">The existing text does not parse as a gold file; it is never rewritten then.</exception>
    public static string Merge(string? existing, IReadOnlyCollection<GoldRating> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!string.IsNullOrWhiteSpace(existing) && Parse(existing).Problems is { Count: > 0 } problems)
        {
            throw new InvalidDataException($"line {problems[0].Line}: {problems[0].Message}");
        }

        var rows = ratings.Select(r => (IReadOnlyList<string>)[r.DocumentId, r.Dimension, r.Score.ToString("R", CultureInfo.InvariantCulture), r.Coder]).ToList();
        return KeyedCsv.Merge(existing, Columns, ["document_id", "dimension", "coder"], rows);
    }

    /// <summary>Writes ratings in the same format, sorted, scores at full precision.</summary>
    public static string Write(IEnumerable<GoldRating> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new SpreadsheetSafeCsvWriter(writer);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }

        csv.NextRecord();
        foreach (var rating in ratings.OrderBy(r => r.DocumentId, StringComparer.Ordinal).ThenBy(r => r.Dimension, StringComparer.Ordinal).ThenBy(r => r.Coder, StringComparer.Ordinal))
        {
            csv.WriteField(rating.DocumentId);
            csv.WriteField(rating.Dimension);
            csv.WriteField(rating.Score.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(rating.Coder);
            csv.NextRecord();
        }

        csv.Flush();
        return writer.ToString();
    }
}
