using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Discernus.Experiments;

/// <summary>
/// A CsvHelper writer whose cells cannot run as spreadsheet formulas (OWASP's CSV injection rule, CsvHelper's
/// <see cref="InjectionOptions.Escape"/>): a cell beginning with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage
/// return is written as text, behind a leading apostrophe. A number stays a number: "-0.25" is a negative score, not a
/// formula, so cells that read back as a number are left as they are. Every CSV Discernus writes (exports, gold files)
/// goes through it.
/// </summary>
internal sealed class SpreadsheetSafeCsvWriter(TextWriter writer) : CsvWriter(writer, SafeConfiguration)
{
    private static readonly CsvConfiguration SafeConfiguration = new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
    };

    private const NumberStyles Number = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    protected override string? SanitizeForInjection(string? field) =>
        field is null || IsNumber(field) ? field : base.SanitizeForInjection(field);

    /// <summary>
    /// A cell as it was before <see cref="SanitizeForInjection"/>: a leading apostrophe before an injection character is
    /// dropped, so a gold file written here reads back with the ids it was given ("=x" stays "=x").
    /// </summary>
    public static string Unescape(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? cell[1..] : cell;

    /// <summary>A plain number ("-0.25", "1E-05"); not "-Infinity" or " -1" (white space before a sign is text to a spreadsheet).</summary>
    public static bool IsNumber(string field) =>
        field.AsSpan().ContainsAnyInRange('0', '9') && double.TryParse(field, Number, CultureInfo.InvariantCulture, out _);
}
