using System.Globalization;

namespace Discernus.Statistics;

/// <summary>
/// Recursive-descent parser for derived-metric formulas. Grammar:
/// <code>
/// expression := term (('+' | '-') term)*
/// term       := unary (('*' | '/') unary)*
/// unary      := ('-' | '+') unary | primary
/// primary    := number | name | name '(' expression (',' expression)* ')' | '(' expression ')'
/// name       := identifier ('.' identifier)*
/// </code>
/// Formulas come from researcher-written YAML, so every error names the column and what was expected there.
/// </summary>
internal sealed class FormulaParser
{
    // Deep enough for any real formula, shallow enough that a hostile one cannot overflow the stack.
    private const int MaxDepth = 64;

    private static readonly string[] OneArgumentFunctions = ["abs", "sqrt"];
    private static readonly string[] ManyArgumentFunctions = ["max", "min"];
    private const string KnownFunctions = "abs, max, min, sqrt";
    private const string KnownFields = "raw_score, score, salience, confidence";

    private readonly string _text;
    private readonly IReadOnlySet<string> _derivedMetricNames;
    private int _position;
    private int _depth;

    private FormulaParser(string text, IReadOnlySet<string>? derivedMetricNames)
    {
        _text = text;
        _derivedMetricNames = derivedMetricNames ?? new HashSet<string>(StringComparer.Ordinal);
    }

    /// <param name="formula">The formula as written in the framework.</param>
    /// <param name="derivedMetricNames">The framework's derived metrics: a bare name among them reads that metric
    /// (<c>(identity_tension + emotional_tension) / 2</c>, as the flagship frameworks write it).</param>
    public static FormulaNode Parse(string formula, IReadOnlySet<string>? derivedMetricNames = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var parser = new FormulaParser(formula, derivedMetricNames);
        parser.SkipWhiteSpace();
        if (parser.AtEnd)
        {
            throw parser.Error(parser._position, "expected an expression but the formula is empty");
        }

        var root = parser.ParseExpression();
        parser.SkipWhiteSpace();
        if (!parser.AtEnd)
        {
            throw parser.Current == ')'
                ? parser.Error(parser._position, "found ')' with no matching '('")
                : parser.Error(parser._position, $"expected an operator (+, -, *, /) or the end of the formula but found {parser.Describe(parser._position)}");
        }

        return root;
    }

    private bool AtEnd => _position >= _text.Length;

    private char Current => _text[_position];

    private FormulaNode ParseExpression()
    {
        Enter();
        var start = StartOfToken();
        var left = ParseTerm();
        while (true)
        {
            SkipWhiteSpace();
            if (AtEnd || (Current != '+' && Current != '-'))
            {
                break;
            }

            var op = Current;
            _position++;
            var right = ParseTerm();
            left = new BinaryNode(Slice(start), op, left, right);
        }

        _depth--;
        return left;
    }

    private FormulaNode ParseTerm()
    {
        var start = StartOfToken();
        var left = ParseUnary();
        while (true)
        {
            SkipWhiteSpace();
            if (AtEnd || (Current != '*' && Current != '/'))
            {
                break;
            }

            var op = Current;
            _position++;
            var right = ParseUnary();
            left = new BinaryNode(Slice(start), op, left, right);
        }

        return left;
    }

    private FormulaNode ParseUnary()
    {
        var start = StartOfToken();
        if (!AtEnd && (Current == '-' || Current == '+'))
        {
            var op = Current;
            _position++;
            Enter();
            var operand = ParseUnary();
            _depth--;
            return op == '-' ? new NegateNode(Slice(start), operand) : operand;
        }

        return ParsePrimary();
    }

    private FormulaNode ParsePrimary()
    {
        var start = StartOfToken();
        if (AtEnd)
        {
            throw Error(_position, "expected a number, a name, a function call or '(' but found the end of the formula");
        }

        var c = Current;
        if (char.IsAsciiDigit(c) || (c == '.' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1])))
        {
            return ParseNumber(start);
        }

        if (IsIdentifierStart(c))
        {
            return ParseNameOrCall(start);
        }

        if (c == '(')
        {
            _position++;
            var inner = ParseExpression();
            SkipWhiteSpace();
            if (AtEnd || Current != ')')
            {
                throw Error(_position, $"expected ')' to close the '(' at column {start + 1} but found {Describe(_position)}");
            }

            _position++;
            return inner;
        }

        throw Error(_position, $"expected a number, a name, a function call or '(' but found {Describe(_position)}");
    }

    private NumberNode ParseNumber(int start)
    {
        while (!AtEnd && char.IsAsciiDigit(Current))
        {
            _position++;
        }

        if (!AtEnd && Current == '.')
        {
            _position++;
            while (!AtEnd && char.IsAsciiDigit(Current))
            {
                _position++;
            }
        }

        if (!AtEnd && (Current == 'e' || Current == 'E'))
        {
            var exponentStart = _position;
            _position++;
            if (!AtEnd && (Current == '+' || Current == '-'))
            {
                _position++;
            }

            if (AtEnd || !char.IsAsciiDigit(Current))
            {
                throw Error(_position, $"expected the digits of the exponent started at column {exponentStart + 1} but found {Describe(_position)}");
            }

            while (!AtEnd && char.IsAsciiDigit(Current))
            {
                _position++;
            }
        }

        var literal = Slice(start);
        var value = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw Error(start, $"the number {literal} is too large");
        }

        return new NumberNode(literal, value);
    }

    private FormulaNode ParseNameOrCall(int start)
    {
        var segments = new List<(string Name, int Start)> { ReadIdentifier() };
        while (!AtEnd && Current == '.')
        {
            _position++;
            if (AtEnd || !IsIdentifierStart(Current))
            {
                throw Error(_position, $"expected a name after '.' but found {Describe(_position)}");
            }

            segments.Add(ReadIdentifier());
        }

        var afterName = _position;
        SkipWhiteSpace();
        if (!AtEnd && Current == '(')
        {
            if (segments.Count > 1)
            {
                throw Error(start, $"'{Slice(start, afterName)}' is not a function; expected one of {KnownFunctions}");
            }

            return ParseCall(start, segments[0].Name);
        }

        // Whitespace after a name belongs to whatever follows it, not to the reference.
        _position = afterName;
        return ResolveReference(start, segments);
    }

    private FunctionNode ParseCall(int start, string name)
    {
        var function = name.ToLowerInvariant();
        var takesOne = OneArgumentFunctions.Contains(function);
        if (!takesOne && !ManyArgumentFunctions.Contains(function))
        {
            throw Error(start, $"unknown function '{name}'; expected one of {KnownFunctions}");
        }

        var open = _position;
        _position++;
        Enter();
        var arguments = new List<FormulaNode>();
        SkipWhiteSpace();
        if (!AtEnd && Current == ')')
        {
            throw Error(_position, $"expected an argument for {function}() but found ')'");
        }

        while (true)
        {
            arguments.Add(ParseExpression());
            SkipWhiteSpace();
            if (!AtEnd && Current == ',')
            {
                _position++;
                continue;
            }

            if (!AtEnd && Current == ')')
            {
                _position++;
                break;
            }

            throw Error(_position, $"expected ',' or ')' to close the '(' of {function} at column {open + 1} but found {Describe(_position)}");
        }

        _depth--;
        if (takesOne && arguments.Count != 1)
        {
            throw Error(start, $"{function}() takes exactly 1 argument but was given {arguments.Count}");
        }

        return new FunctionNode(Slice(start), function, arguments);
    }

    private FormulaNode ResolveReference(int start, List<(string Name, int Start)> segments)
    {
        var text = Slice(start);
        var first = segments[0].Name;
        if (first == "derived_metrics")
        {
            if (segments.Count != 2)
            {
                throw Error(start, $"'{text}' should be derived_metrics.<name>");
            }

            return new DerivedMetricReferenceNode(text, segments[1].Name);
        }

        // `dimensional_scores.<dimension>.<field>` is the form of the original project's flagship frameworks (CFF, OPNIF).
        if (first is "dimensions" or "dimensional_scores" && segments.Count >= 2)
        {
            return segments.Count switch
            {
                2 => new DimensionReferenceNode(text, segments[1].Name, DimensionValues.RawScoreField),
                3 => new DimensionReferenceNode(text, segments[1].Name, ResolveField(segments[2])),
                _ => throw Error(start, $"'{text}' has too many parts; expected {first}.<dimension>.<field>"),
            };
        }

        if (segments.Count == 1 && _derivedMetricNames.Contains(first))
        {
            return new DerivedMetricReferenceNode(text, first);
        }

        return segments.Count switch
        {
            1 => new DimensionReferenceNode(text, first, DimensionValues.RawScoreField),
            2 => new DimensionReferenceNode(text, first, ResolveField(segments[1])),
            _ => throw Error(start, $"'{text}' has too many parts; expected <dimension>.<field> or dimensions.<dimension>.<field>"),
        };
    }

    private string ResolveField((string Name, int Start) segment) => segment.Name.ToLowerInvariant() switch
    {
        "raw_score" or "score" => DimensionValues.RawScoreField,
        "salience" => DimensionValues.SalienceField,
        "confidence" => DimensionValues.ConfidenceField,
        _ => throw Error(segment.Start, $"unknown field '{segment.Name}'; expected one of {KnownFields}"),
    };

    private (string Name, int Start) ReadIdentifier()
    {
        var start = _position;
        _position++;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current == '_'))
        {
            _position++;
        }

        return (_text[start.._position], start);
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private int StartOfToken()
    {
        SkipWhiteSpace();
        return _position;
    }

    private void SkipWhiteSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _position++;
        }
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error(_position, $"the formula nests deeper than {MaxDepth} levels");
        }
    }

    private string Slice(int start) => Slice(start, _position);

    private string Slice(int start, int end) => _text[start..end].Trim();

    private string Describe(int position) =>
        position >= _text.Length ? "the end of the formula" : $"'{_text[position]}'";

    private DerivedMetricException Error(int position, string problem) => new(_text, position + 1, problem);
}
