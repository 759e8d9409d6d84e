using System.Globalization;
using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// Recursive-descent parser for derived-metric formulas: the arithmetic of the original design plus the part of
/// Python the original project's frameworks write (<c>**</c>, NumPy calls, lists, indexing, comprehensions,
/// comparisons and conditionals). Grammar, from the loosest binding to the tightest:
/// <code>
/// formula     := conditional END
/// conditional := or_test ['if' or_test 'else' conditional]
/// or_test     := and_test ('or' and_test)*
/// and_test    := not_test ('and' not_test)*
/// not_test    := 'not' not_test | comparison
/// comparison  := arith (('&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '!=') arith)*
/// arith       := term (('+' | '-') term)*
/// term        := unary (('*' | '/' | '//' | '%') unary)*
/// unary       := ('-' | '+') unary | power
/// power       := postfix ['**' unary]
/// postfix     := atom ('[' conditional (',' conditional)* ']')*
/// atom        := number | 'text' | True | False | name ['(' arguments ')'] | '(' conditional ')' | '[' list ']'
/// list        := [conditional (comprehension | (',' conditional)* [','])]
/// arguments   := conditional comprehension | conditional (',' conditional)*
/// comprehension := ('for' identifier 'in' or_test ('if' or_test)*)+
/// name        := identifier ('.' identifier)*
/// </code>
/// It only builds a syntax tree: nothing is evaluated, no host code is reachable. It reads each character once and
/// refuses a formula of more than <see cref="MaxTerms"/> terms or <see cref="MaxDepth"/> levels at the point it
/// passes the limit, so a hostile formula costs time and memory in proportion to the part read. Formulas come from
/// researcher-written YAML, so every error names the column and what was expected there.
/// </summary>
internal sealed class FormulaParser
{
    /// <summary>Deep enough for any real formula, shallow enough that a hostile one cannot overflow the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>Numbers, texts and names in one formula: the original project's longest formula has about 40.</summary>
    public const int MaxTerms = 1_000;

    private static readonly string[] TwoCharacterOperators = ["**", "//", "<=", ">=", "==", "!="];
    private const string OneCharacterOperators = "+-*/%<>()[],.";

    private readonly string _text;
    private int _depth;
    private int _terms;
    private Token _token;

    private FormulaParser(string text)
    {
        _text = text;
        _token = Lex(0);
    }

    private enum TokenKind
    {
        End,
        Number,
        Text,
        Identifier,
        Operator,
        Unknown,
    }

    /// <summary>Parses a formula into its syntax tree.</summary>
    /// <exception cref="DerivedMetricException">The formula is not valid; the message names the column and what was expected.</exception>
    public static FormulaSyntax Parse(string formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var parser = new FormulaParser(formula);
        if (parser._token.Kind == TokenKind.End)
        {
            throw parser.Error(parser._token.Start, "expected an expression but the formula is empty");
        }

        var root = parser.ParseConditional();
        if (parser._token.Kind != TokenKind.End)
        {
            throw parser.Is(")")
                ? parser.Error(parser._token.Start, "found ')' with no matching '('")
                : parser.Is("]")
                    ? parser.Error(parser._token.Start, "found ']' with no matching '['")
                    : parser.Error(parser._token.Start, $"expected an operator (+, -, *, /, **) or the end of the formula but found {parser.Describe(parser._token)}");
        }

        return root;
    }

    private FormulaSyntax ParseConditional()
    {
        Enter();
        var then = ParseOr();
        if (IsKeyword("if"))
        {
            Advance();
            var condition = ParseOr();
            if (!IsKeyword("else"))
            {
                throw Error(_token.Start, $"expected 'else' to complete the conditional 'x if condition else y' but found {Describe(_token)}");
            }

            Advance();
            var otherwise = ParseConditional();
            then = new ConditionalSyntax(then.Start, otherwise.End, then, condition, otherwise);
        }

        _depth--;
        return then;
    }

    private FormulaSyntax ParseOr() => ParseLogic("or", ParseAnd);

    private FormulaSyntax ParseAnd() => ParseLogic("and", ParseNot);

    private FormulaSyntax ParseLogic(string keyword, Func<FormulaSyntax> operand)
    {
        var first = operand();
        if (!IsKeyword(keyword))
        {
            return first;
        }

        var operands = new List<FormulaSyntax> { first };
        while (IsKeyword(keyword))
        {
            Advance();
            operands.Add(operand());
        }

        return new LogicSyntax(first.Start, operands[^1].End, keyword, operands);
    }

    private FormulaSyntax ParseNot()
    {
        if (!IsKeyword("not"))
        {
            return ParseComparison();
        }

        var start = _token.Start;
        Advance();
        Enter();
        var operand = ParseNot();
        _depth--;
        return new UnarySyntax(start, operand.End, "not", operand);
    }

    private FormulaSyntax ParseComparison()
    {
        var first = ParseArithmetic();
        List<(string, FormulaSyntax)>? rest = null;
        while (_token.Kind == TokenKind.Operator && _token.Text is "<" or "<=" or ">" or ">=" or "==" or "!=")
        {
            var op = _token.Text;
            Advance();
            (rest ??= []).Add((op, ParseArithmetic()));
        }

        return rest is null ? first : new CompareSyntax(first.Start, rest[^1].Item2.End, first, rest);
    }

    private FormulaSyntax ParseArithmetic() => ParseChain(ParseTerm, "+", "-");

    private FormulaSyntax ParseTerm() => ParseChain(ParseUnary, "*", "/", "//", "%");

    private FormulaSyntax ParseChain(Func<FormulaSyntax> operand, params string[] operators)
    {
        var first = operand();
        List<(string, FormulaSyntax)>? rest = null;
        while (_token.Kind == TokenKind.Operator && operators.Contains(_token.Text))
        {
            var op = _token.Text!;
            Advance();
            (rest ??= []).Add((op, operand()));
        }

        return rest is null ? first : new ChainSyntax(first.Start, rest[^1].Item2.End, first, rest);
    }

    private FormulaSyntax ParseUnary()
    {
        if (Is("-") || Is("+"))
        {
            var start = _token.Start;
            var op = _token.Text!;
            Advance();
            Enter();
            var operand = ParseUnary();
            _depth--;
            return new UnarySyntax(start, operand.End, op, operand);
        }

        return ParsePower();
    }

    private FormulaSyntax ParsePower()
    {
        var baseSyntax = ParsePostfix();
        if (!Is("**"))
        {
            return baseSyntax;
        }

        Advance();
        Enter();
        // Python: the exponent may carry its own sign (2 ** -1), and ** groups to the right (2 ** 3 ** 2 is 2 ** 9).
        var exponent = ParseUnary();
        _depth--;
        return new PowerSyntax(baseSyntax.Start, exponent.End, baseSyntax, exponent);
    }

    private FormulaSyntax ParsePostfix()
    {
        var target = ParseAtom();
        // Each index nests the target one level deeper in the tree (a[0][0]...), so each counts towards the depth.
        var levels = 0;
        while (Is("["))
        {
            var open = _token.Start;
            Advance();
            Enter();
            levels++;
            var indices = new List<FormulaSyntax> { ParseConditional() };
            while (Is(","))
            {
                Advance();
                indices.Add(ParseConditional());
            }

            var end = Expect("]", $"to close the '[' at column {open + 1}");
            target = new IndexSyntax(target.Start, end, target, indices);
        }

        _depth -= levels;
        return target;
    }

    private FormulaSyntax ParseAtom()
    {
        var token = _token;
        switch (token.Kind)
        {
            case TokenKind.Number:
                CountTerm(token);
                Advance();
                return new NumberSyntax(token.Start, token.End, token.Number);
            case TokenKind.Text:
                CountTerm(token);
                Advance();
                return new TextSyntax(token.Start, token.End, token.Text!);
            case TokenKind.Identifier when token.Text is "True" or "False":
                CountTerm(token);
                Advance();
                return new BooleanSyntax(token.Start, token.End, token.Text == "True");
            case TokenKind.Identifier when !IsReserved(token.Text!):
                CountTerm(token);
                return ParseNameOrCall();
            case TokenKind.Operator when token.Text == "(":
                {
                    Advance();
                    var inner = ParseConditional();
                    Expect(")", $"to close the '(' at column {token.Start + 1}");
                    return inner;
                }

            case TokenKind.Operator when token.Text == "[":
                return ParseList();
            default:
                throw Error(token.Start, $"expected a number, a name, a function call, '(' or '[' but found {Describe(token)}");
        }
    }

    private FormulaSyntax ParseNameOrCall()
    {
        var start = _token.Start;
        var parts = new List<(string, int)> { (_token.Text!, _token.Start) };
        var end = _token.End;
        Advance();
        // A '.' continues the name only when nothing separates it from the parts around it ("hope.salience").
        while (Is(".") && _token.Start == end)
        {
            var dot = _token;
            Advance();
            if (_token.Kind != TokenKind.Identifier || _token.Start != dot.End)
            {
                throw Error(dot.End, $"expected a name after '.' but found {(_token.Start == dot.End ? Describe(_token) : $"'{_text[dot.End]}'")}");
            }

            parts.Add((_token.Text!, _token.Start));
            end = _token.End;
            Advance();
        }

        var name = new NameSyntax(start, end, parts);
        if (!Is("("))
        {
            return name;
        }

        var open = _token.Start;
        Advance();
        Enter();
        if (Is(")"))
        {
            throw Error(_token.Start, $"expected an argument for {Slice(start, end).ToLowerInvariant()}() but found ')'");
        }

        var arguments = new List<FormulaSyntax> { ParseConditional() };
        if (IsKeyword("for"))
        {
            // sum(x for x in values): a generator argument, read as the list it produces.
            var element = arguments[0];
            var clauses = ParseComprehensionClauses();
            var last = clauses[^1];
            arguments[0] = new ComprehensionSyntax(element.Start, (last.Iterable ?? last.Condition)!.End, element, clauses);
        }

        while (Is(","))
        {
            Advance();
            arguments.Add(ParseConditional());
        }

        var close = Expect(")", $"to close the '(' of {Slice(start, end).ToLowerInvariant()} at column {open + 1}", "',' or ')'");
        _depth--;
        return new CallSyntax(start, close, name, open, arguments);
    }

    private FormulaSyntax ParseList()
    {
        var open = _token.Start;
        Advance();
        Enter();
        var items = new List<FormulaSyntax>();
        if (!Is("]"))
        {
            items.Add(ParseConditional());
            if (IsKeyword("for"))
            {
                var clauses = ParseComprehensionClauses();
                var comprehensionEnd = Expect("]", $"to close the '[' at column {open + 1}");
                _depth--;
                return new ComprehensionSyntax(open, comprehensionEnd, items[0], clauses);
            }

            while (Is(","))
            {
                Advance();
                if (Is("]"))
                {
                    break;
                }

                items.Add(ParseConditional());
            }
        }

        var end = Expect("]", $"to close the '[' at column {open + 1}", "',' or ']'");
        _depth--;
        return new ListSyntax(open, end, items);
    }

    private List<ComprehensionClause> ParseComprehensionClauses()
    {
        var clauses = new List<ComprehensionClause>();
        while (IsKeyword("for"))
        {
            Advance();
            if (_token.Kind != TokenKind.Identifier || IsReserved(_token.Text!))
            {
                throw Error(_token.Start, $"expected a variable name after 'for' but found {Describe(_token)}");
            }

            var variable = _token;
            Advance();
            if (!IsKeyword("in"))
            {
                throw Error(_token.Start, $"expected 'in' after 'for {variable.Text}' but found {Describe(_token)}");
            }

            Advance();
            clauses.Add(new ComprehensionClause(variable.Text, variable.Start, ParseOr(), null));
            while (IsKeyword("if"))
            {
                Advance();
                clauses.Add(new ComprehensionClause(null, 0, null, ParseOr()));
            }
        }

        return clauses;
    }

    /// <summary>Consumes <paramref name="expected"/> and returns the offset after it, or fails naming what it closes.</summary>
    private int Expect(string expected, string purpose, string? alternatives = null)
    {
        if (!Is(expected))
        {
            throw Error(_token.Start, $"expected {alternatives ?? $"'{expected}'"} {purpose} but found {Describe(_token)}");
        }

        var end = _token.End;
        Advance();
        return end;
    }

    private bool Is(string op) => _token.Kind == TokenKind.Operator && _token.Text == op;

    private bool IsKeyword(string keyword) => _token.Kind == TokenKind.Identifier && _token.Text == keyword;

    private static bool IsReserved(string word) => word is "for" or "in" or "if" or "else" or "and" or "or" or "not";

    private void Advance() => _token = Lex(_token.End);

    private void CountTerm(Token token)
    {
        if (++_terms > MaxTerms)
        {
            throw new DerivedMetricException(_text, token.Start + 1,
                $"the formula has more than {MaxTerms:N0} terms (numbers and names); split it into derived metrics that use each other by name, or sum a list: sum([dim.raw_score for dim in all_dimensions])",
                FindingCodes.FormulaTooLarge);
        }
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new DerivedMetricException(_text, _token.Start + 1, $"the formula nests deeper than {MaxDepth} levels", FindingCodes.FormulaTooLarge);
        }
    }

    private Token Lex(int from)
    {
        var i = from;
        while (i < _text.Length && char.IsWhiteSpace(_text[i]))
        {
            i++;
        }

        if (i >= _text.Length)
        {
            return new Token(TokenKind.End, i, i, null, 0);
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

            return new Token(TokenKind.Identifier, i, end, _text[i..end], 0);
        }

        if (c is '\'' or '"')
        {
            var close = _text.IndexOf(c, i + 1);
            if (close < 0)
            {
                throw Error(i, $"the text opened with {c} at column {i + 1} is never closed");
            }

            return new Token(TokenKind.Text, i, close + 1, _text[(i + 1)..close], 0);
        }

        if (i + 1 < _text.Length && TwoCharacterOperators.Contains(_text.Substring(i, 2)))
        {
            return new Token(TokenKind.Operator, i, i + 2, _text.Substring(i, 2), 0);
        }

        return OneCharacterOperators.Contains(c)
            ? new Token(TokenKind.Operator, i, i + 1, c.ToString(), 0)
            : new Token(TokenKind.Unknown, i, i + 1, c.ToString(), 0);
    }

    private Token LexNumber(int start)
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

        return new Token(TokenKind.Number, start, i, null, value);
    }

    private string Slice(int start, int end) => _text[start..end];

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the formula",
        TokenKind.Identifier when IsReserved(token.Text!) => $"'{token.Text}'",
        _ => DescribeAt(token.Start),
    };

    private string DescribeAt(int position) =>
        position >= _text.Length ? "the end of the formula" : $"'{_text[position]}'";

    private DerivedMetricException Error(int position, string problem) => new(_text, position + 1, problem);

    /// <param name="Text">The operator, identifier or text content; null for a number and the end.</param>
    private readonly record struct Token(TokenKind Kind, int Start, int End, string? Text, double Number);
}
