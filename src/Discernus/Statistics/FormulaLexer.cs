using System.Globalization;

namespace Discernus.Statistics;

internal enum FormulaTokenKind
{
    End,
    Number,
    Text,
    Identifier,
    Operator,
    Unknown,
}

/// <param name="Text">The operator, identifier or text content; null for a number and the end.</param>
internal readonly record struct FormulaToken(FormulaTokenKind Kind, int Start, int End, string? Text, double Number);

/// <summary>
/// The tokens of a derived-metric formula, read one at a time as the <see cref="FormulaParser"/> asks for them, so a
/// hostile formula is never read further than the parser's limits allow.
/// </summary>
internal sealed class FormulaLexer(string text)
{
    private static readonly string[] TwoCharacterOperators = ["**", "//", "<=", ">=", "==", "!="];
    private const string OneCharacterOperators = "+-*/%<>()[],.";

    private readonly string _text = text;

    /// <summary>The token that starts at or after <paramref name="from"/> (white space skipped).</summary>
    public FormulaToken Lex(int from)
    {
        var i = from;
        while (i < _text.Length && char.IsWhiteSpace(_text[i]))
        {
            i++;
        }

        if (i >= _text.Length)
        {
            return new FormulaToken(FormulaTokenKind.End, i, i, null, 0);
        }

        var c = _text[i];
        if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < _text.Length && char.IsAsciiDigit(_text[i + 1])))
        {
            return LexNumber(i);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            var end = i + 1;
            while (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_'))
            {
                end++;
            }

            return new FormulaToken(FormulaTokenKind.Identifier, i, end, _text[i..end], 0);
        }

        if (c is '\'' or '"')
        {
            var close = _text.IndexOf(c, i + 1);
            if (close < 0)
            {
                throw Error(i, $"the text opened with {c} at column {i + 1} is never closed");
            }

            return new FormulaToken(FormulaTokenKind.Text, i, close + 1, _text[(i + 1)..close], 0);
        }

        if (i + 1 < _text.Length && TwoCharacterOperators.Contains(_text.Substring(i, 2)))
        {
            return new FormulaToken(FormulaTokenKind.Operator, i, i + 2, _text.Substring(i, 2), 0);
        }

        return OneCharacterOperators.Contains(c)
            ? new FormulaToken(FormulaTokenKind.Operator, i, i + 1, c.ToString(), 0)
            : new FormulaToken(FormulaTokenKind.Unknown, i, i + 1, c.ToString(), 0);
    }

    private FormulaToken LexNumber(int start)
    {
        var i = start;
        while (i < _text.Length && char.IsAsciiDigit(_text[i]))
        {
            i++;
        }

        if (i < _text.Length && _text[i] == '.')
        {
            i++;
            while (i < _text.Length && char.IsAsciiDigit(_text[i]))
            {
                i++;
            }
        }

        if (i < _text.Length && (_text[i] == 'e' || _text[i] == 'E'))
        {
            var exponentStart = i;
            i++;
            if (i < _text.Length && (_text[i] == '+' || _text[i] == '-'))
            {
                i++;
            }

            if (i >= _text.Length || !char.IsAsciiDigit(_text[i]))
            {
                throw Error(i, $"expected the digits of the exponent started at column {exponentStart + 1} but found {DescribeAt(i)}");
            }

            while (i < _text.Length && char.IsAsciiDigit(_text[i]))
            {
                i++;
            }
        }

        var literal = _text[start..i];
        var value = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw Error(start, $"the number {literal} is too large");
        }

        return new FormulaToken(FormulaTokenKind.Number, start, i, null, value);
    }

    private string DescribeAt(int position) =>
        position >= _text.Length ? "the end of the formula" : $"'{_text[position]}'";

    private DerivedMetricException Error(int position, string problem) => new(_text, position + 1, problem);
}
