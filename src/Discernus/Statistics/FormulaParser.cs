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
internal sealed partial class FormulaParser
{
    /// <summary>Deep enough for any real formula, shallow enough that a hostile one cannot overflow the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>Numbers, texts and names in one formula: the original project's longest formula has about 40.</summary>
    public const int MaxTerms = 1_000;

    private readonly string _text;
    private readonly FormulaLexer _lexer;
    private int _depth;
    private int _terms;
    private FormulaToken _token;

    private FormulaParser(string text)
    {
        _text = text;
        _lexer = new FormulaLexer(text);
        _token = _lexer.Lex(0);
    }

    /// <summary>Parses a formula into its syntax tree.</summary>
    /// <exception cref="DerivedMetricException">The formula is not valid; the message names the column and what was expected.</exception>
    public static FormulaSyntax Parse(string formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var parser = new FormulaParser(formula);
        if (parser._token.Kind == FormulaTokenKind.End)
        {
            throw parser.Error(parser._token.Start, "expected an expression but the formula is empty");
        }

        var root = parser.ParseConditional();
        if (parser._token.Kind != FormulaTokenKind.End)
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
        while (_token.Kind == FormulaTokenKind.Operator && _token.Text is "<" or "<=" or ">" or ">=" or "==" or "!=")
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
        while (_token.Kind == FormulaTokenKind.Operator && operators.Contains(_token.Text))
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

    private bool Is(string op) => _token.Kind == FormulaTokenKind.Operator && _token.Text == op;

    private bool IsKeyword(string keyword) => _token.Kind == FormulaTokenKind.Identifier && _token.Text == keyword;

    private static bool IsReserved(string word) => word is "for" or "in" or "if" or "else" or "and" or "or" or "not";

    private void Advance() => _token = _lexer.Lex(_token.End);

    private void CountTerm(FormulaToken token)
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

    private string Slice(int start, int end) => _text[start..end];

    private string Describe(FormulaToken token) => token.Kind switch
    {
        FormulaTokenKind.End => "the end of the formula",
        FormulaTokenKind.Identifier when IsReserved(token.Text!) => $"'{token.Text}'",
        _ => DescribeAt(token.Start),
    };

    private string DescribeAt(int position) =>
        position >= _text.Length ? "the end of the formula" : $"'{_text[position]}'";

    private DerivedMetricException Error(int position, string problem) => new(_text, position + 1, problem);
}
