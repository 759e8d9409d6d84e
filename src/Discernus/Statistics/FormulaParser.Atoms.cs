namespace Discernus.Statistics;

/// <summary>The atoms of a formula: numbers, texts, names and calls, lists and comprehensions.</summary>
internal sealed partial class FormulaParser
{
    private FormulaSyntax ParseAtom()
    {
        var token = _token;
        switch (token.Kind)
        {
            case FormulaTokenKind.Number:
                CountTerm(token);
                Advance();
                return new NumberSyntax(token.Start, token.End, token.Number);
            case FormulaTokenKind.Text:
                CountTerm(token);
                Advance();
                return new TextSyntax(token.Start, token.End, token.Text!);
            case FormulaTokenKind.Identifier when token.Text is "True" or "False":
                CountTerm(token);
                Advance();
                return new BooleanSyntax(token.Start, token.End, token.Text == "True");
            case FormulaTokenKind.Identifier when !IsReserved(token.Text!):
                CountTerm(token);
                return ParseNameOrCall();
            case FormulaTokenKind.Operator when token.Text == "(":
                {
                    Advance();
                    var inner = ParseConditional();
                    Expect(")", $"to close the '(' at column {token.Start + 1}");
                    return inner;
                }

            case FormulaTokenKind.Operator when token.Text == "[":
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
            if (_token.Kind != FormulaTokenKind.Identifier || _token.Start != dot.End)
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
            if (_token.Kind != FormulaTokenKind.Identifier || IsReserved(_token.Text!))
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
}
