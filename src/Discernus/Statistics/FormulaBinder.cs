using Discernus.Spelling;

namespace Discernus.Statistics;

/// <summary>
/// Turns a formula's syntax tree into evaluation nodes: resolves every name (a comprehension variable, another
/// derived metric, a dimension, <c>all_dimensions</c>, <c>total_weighted_score</c>), checks function arguments and
/// the kinds of values (arithmetic on a list, indexing a number) before any document, and collects what the formula
/// reads. With the framework's dimensions known, an unknown name is an error naming the column and the names known.
/// </summary>
internal sealed partial class FormulaBinder
{
    private const string KnownFields = "raw_score, score, salience, confidence";
    private const string ListToNumber = "sum(...), mean(...), max(...) or np.std(...) turn a list into a number";

    private readonly string _text;
    private readonly FormulaNames _names;
    private readonly HashSet<string>? _dimensions;
    private readonly List<(string Name, int Slot, FormulaType Type)> _scope = [];
    private readonly List<string> _readDimensions = [];
    private readonly HashSet<string> _readDimensionSet = new(StringComparer.Ordinal);
    private readonly List<string> _readMetrics = [];
    private readonly List<string> _unrecorded = [];
    private int _slots;

    private FormulaBinder(string text, FormulaNames names)
    {
        _text = text;
        _names = names;
        _dimensions = names.Dimensions?.ToHashSet(StringComparer.Ordinal);
    }

    /// <exception cref="DerivedMetricException">A name, function or kind of value the formula cannot use.</exception>
    public static BoundFormula Bind(string text, FormulaSyntax syntax, FormulaNames names)
    {
        var binder = new FormulaBinder(text, names);
        var root = binder.Bind(syntax);
        string? noValue = null;
        switch (root.Type.Kind)
        {
            case FormulaKind.List:
                throw binder.Error(root.Start, $"the formula gives {root.Type.Describe()}, not a number; {ListToNumber}");
            case FormulaKind.Dimension:
                throw binder.Error(root.Start, "the formula gives a dimension, not a number; write its field, e.g. dim.raw_score");
            case FormulaKind.Text:
                noValue = "it gives a text, not a number (a derived metric is a number; np.argmax([...]) gives the position instead of the name)";
                break;
        }

        if (binder._unrecorded.Count > 0)
        {
            noValue = UnrecordedFieldNode.Reason(binder._unrecorded[0]);
        }

        return new BoundFormula(root, binder._slots, binder._readDimensions, binder._readMetrics, noValue);
    }

    private FormulaNode Bind(FormulaSyntax syntax) => syntax switch
    {
        NumberSyntax number => new NumberNode(_text, number.Start, number.End, number.Value),
        TextSyntax text => new ConstantNode(_text, text.Start, text.End, FormulaValue.OfText(text.Value), FormulaType.Text),
        BooleanSyntax boolean => new ConstantNode(_text, boolean.Start, boolean.End, FormulaValue.Of(boolean.Value), FormulaType.Boolean),
        NameSyntax name => BindName(name),
        CallSyntax call => BindCall(call),
        IndexSyntax index => BindIndex(index),
        ListSyntax list => BindList(list),
        ComprehensionSyntax comprehension => BindComprehension(comprehension),
        UnarySyntax unary => BindUnary(unary),
        ChainSyntax chain => new ArithmeticNode(_text, chain.Start, Numeric(Bind(chain.First), chain.Rest[0].Operator),
            chain.Rest.Select(r => (r.Operator, Numeric(Bind(r.Operand), r.Operator))).ToList()),
        PowerSyntax power => new PowerNode(_text, power.Start, power.End, Numeric(Bind(power.Base), "**"), Numeric(Bind(power.Exponent), "**")),
        CompareSyntax compare => BindCompare(compare),
        LogicSyntax logic => new LogicNode(_text, logic.Start, logic.End, logic.Operator == "and", logic.Operands.Select(Bind).ToList()),
        ConditionalSyntax conditional => BindConditional(conditional),
        _ => throw new InvalidOperationException($"Unknown formula syntax {syntax.GetType().Name}."),
    };

    private FormulaNode BindUnary(UnarySyntax unary)
    {
        var operand = Bind(unary.Operand);
        return unary.Operator == "not"
            ? new NotNode(_text, unary.Start, unary.End, operand)
            : new NegateNode(_text, unary.Start, unary.End, Numeric(operand, $"unary {unary.Operator}"), unary.Operator == "-");
    }

    private CompareNode BindCompare(CompareSyntax compare)
    {
        var first = Bind(compare.First);
        var rest = new List<(string, FormulaNode)>();
        var left = first;
        foreach (var (op, operandSyntax) in compare.Rest)
        {
            var operand = Bind(operandSyntax);
            if (op is not ("==" or "!="))
            {
                Numeric(left, op);
                Numeric(operand, op);
            }

            rest.Add((op, operand));
            left = operand;
        }

        return new CompareNode(_text, compare.Start, first, rest);
    }

    private ConditionalNode BindConditional(ConditionalSyntax conditional)
    {
        var then = Bind(conditional.Then);
        var condition = Bind(conditional.Condition);
        var otherwise = Bind(conditional.Otherwise);
        return new ConditionalNode(_text, conditional.Start, conditional.End, then, condition, otherwise, Common([then.Type, otherwise.Type]));
    }

    private IndexNode BindIndex(IndexSyntax index)
    {
        var target = Bind(index.Target);
        var type = target.Type;
        var indices = new List<FormulaNode>();
        foreach (var indexSyntax in index.Indices)
        {
            if (!type.MayBeList)
            {
                throw Error(index.Target.Start, $"\"{target.Text}\" {(indices.Count == 0 ? "is" : "holds")} {type.Describe()}; only a list can be indexed");
            }

            indices.Add(Numeric(Bind(indexSyntax), "an index"));
            type = type.Kind == FormulaKind.List ? type.Element ?? FormulaType.Unknown : FormulaType.Unknown;
        }

        return new IndexNode(_text, index.Start, index.End, target, indices, type);
    }

    private ListNode BindList(ListSyntax list)
    {
        var items = list.Items.Select(Bind).ToList();
        return new ListNode(_text, list.Start, list.End, items, FormulaType.ListOf(items.Count == 0 ? null : Common(items.Select(i => i.Type).ToList())));
    }

    private ComprehensionNode BindComprehension(ComprehensionSyntax comprehension)
    {
        var scopeSize = _scope.Count;
        var clauses = new List<BoundClause>();
        foreach (var clause in comprehension.Clauses)
        {
            if (clause.Condition is { } conditionSyntax)
            {
                clauses.Add(new BoundClause(0, null, Bind(conditionSyntax)));
                continue;
            }

            var iterable = Bind(clause.Iterable!);
            if (!iterable.Type.MayBeList)
            {
                throw Error(clause.Iterable!.Start, $"\"{iterable.Text}\" is {iterable.Type.Describe()}; 'for {clause.Variable} in' needs a list, e.g. all_dimensions");
            }

            var slot = _slots++;
            var element = iterable.Type.Kind == FormulaKind.List ? iterable.Type.Element ?? FormulaType.Unknown : FormulaType.Unknown;
            _scope.Add((clause.Variable!, slot, element));
            clauses.Add(new BoundClause(slot, iterable, null));
        }

        var body = Bind(comprehension.Element);
        _scope.RemoveRange(scopeSize, _scope.Count - scopeSize);
        return new ComprehensionNode(_text, comprehension.Start, comprehension.End, body, clauses, FormulaType.ListOf(body.Type));
    }

    private FunctionNode BindCall(CallSyntax call)
    {
        var parts = call.Function.Parts;
        var written = Slice(call.Function);
        string name;
        if (parts.Count == 1)
        {
            name = parts[0].Name.ToLowerInvariant();
        }
        else if (parts.Count == 2 && parts[0].Name.ToLowerInvariant() is "np" or "numpy")
        {
            name = "np." + parts[1].Name.ToLowerInvariant();
        }
        else
        {
            throw Error(call.Start, $"'{written}' is not a function; expected one of {FormulaFunctions.Known}");
        }

        if (!FormulaFunctions.TryGet(name, out var shape))
        {
            throw Error(call.Start, $"unknown function '{written}'; expected one of {FormulaFunctions.Known}");
        }

        var arguments = call.Arguments.Select(Bind).ToList();
        var count = arguments.Count;
        FormulaType type;
        switch (shape)
        {
            case FormulaFunctions.Shape.Elementwise:
                Arity(call, name, count, 1);
                type = arguments[0].Type.IsNumeric ? FormulaType.Number
                    : arguments[0].Type.Kind == FormulaKind.List ? NumericList(arguments[0], name) : FormulaType.Unknown;
                if (type == FormulaType.Unknown && arguments[0].Type.Kind != FormulaKind.Unknown)
                {
                    throw Error(arguments[0].Start, $"{name}() needs a number or a list of numbers; \"{arguments[0].Text}\" is {arguments[0].Type.Describe()}");
                }

                break;
            case FormulaFunctions.Shape.ListOrNumbers when count == 1:
            case FormulaFunctions.Shape.OneListOrNumber:
                Arity(call, name, count, 1, shape == FormulaFunctions.Shape.OneListOrNumber
                    ? $"; NumPy's second argument is an axis: write {name[3..]}(a, b) to compare numbers"
                    : null);
                if (!arguments[0].Type.MayBeNumeric)
                {
                    NumericList(arguments[0], name);
                }

                type = FormulaType.Number;
                break;
            case FormulaFunctions.Shape.ListOrNumbers:
                arguments.ForEach(a => Numeric(a, $"{name}() of several values"));
                type = FormulaType.Number;
                break;
            case FormulaFunctions.Shape.Length:
                Arity(call, name, count, 1);
                if (arguments[0].Type.Kind is not (FormulaKind.List or FormulaKind.Text or FormulaKind.Unknown))
                {
                    throw Error(arguments[0].Start, $"len() needs a list; \"{arguments[0].Text}\" is {arguments[0].Type.Describe()}");
                }

                type = FormulaType.Number;
                break;
            case FormulaFunctions.Shape.Correlation:
                Arity(call, name, count, 2);
                arguments.ForEach(a => NumericList(a, name));
                type = FormulaType.ListOf(FormulaType.NumberList);
                break;
            default:
                Arity(call, name, count, 1);
                NumericList(arguments[0], name);
                type = FormulaType.Number;
                break;
        }

        return new FunctionNode(_text, call.Start, call.End, name, arguments, type);
    }

    private void Arity(CallSyntax call, string name, int given, int expected, string? hint = null)
    {
        if (given != expected)
        {
            throw Error(call.Start, $"{name}() takes exactly {expected} argument{(expected == 1 ? "" : "s")} but was given {given}{hint}");
        }
    }

    /// <summary>Checks that a node may give a list of numbers and returns that type.</summary>
    private FormulaType NumericList(FormulaNode node, string function)
    {
        if (!node.Type.MayBeNumericList)
        {
            var example = node.Type.IsNumeric ? $"; write the values as a list, e.g. {function}([a.raw_score, b.raw_score])" : string.Empty;
            throw Error(node.Start, $"{function}() needs a list of numbers; \"{node.Text}\" is {node.Type.Describe()}{example}");
        }

        return FormulaType.NumberList;
    }

    /// <summary>Checks that a node may give a number (arithmetic, comparisons, indices).</summary>
    private FormulaNode Numeric(FormulaNode node, string use)
    {
        if (!node.Type.MayBeNumeric)
        {
            var hint = node.Type.Kind switch
            {
                FormulaKind.List => $"; {ListToNumber}",
                FormulaKind.Dimension => "; write one of its fields, e.g. dim.raw_score",
                _ => string.Empty,
            };
            throw Error(node.Start, $"\"{node.Text}\" is {node.Type.Describe()}, but {use} needs a number{hint}");
        }

        return node;
    }

    /// <summary>The type two branches or a list's elements share: numbers and booleans mix as numbers.</summary>
    private static FormulaType Common(IReadOnlyList<FormulaType> types)
    {
        if (types.All(t => t == types[0]))
        {
            return types[0];
        }

        return types.All(t => t.IsNumeric) ? FormulaType.Number : FormulaType.Unknown;
    }

    private DerivedMetricException Unknown(int position, string name, string expected, IEnumerable<string>? candidates = null)
    {
        var known = candidates?.ToList()
            ?? _scope.Select(s => s.Name).Concat(_names.Dimensions ?? []).Concat(_names.DerivedMetrics).Concat(["all_dimensions", "total_weighted_score"]).ToList();
        var suggestion = known
            .Select(k => (Name: k, Distance: EditDistance.Within(name, k, 2)))
            .Where(k => k.Distance <= Math.Max(1, Math.Min(2, name.Length / 3)))
            .OrderBy(k => k.Distance)
            .Select(k => $"; did you mean '{k.Name}'?")
            .FirstOrDefault() ?? string.Empty;
        var listed = known.Count == 0 ? "none" : string.Join(", ", known.Take(12)) + (known.Count > 12 ? $" and {known.Count - 12} more" : string.Empty);
        return Error(position, $"'{name}' is not {expected}{suggestion} (known: {listed})");
    }

    private string Slice(FormulaSyntax syntax) => FormulaNode.Excerpt(_text, syntax.Start, syntax.End);

    private DerivedMetricException Error(int position, string problem) => new(_text, position + 1, problem);
}
