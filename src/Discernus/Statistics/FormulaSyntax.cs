namespace Discernus.Statistics;

/// <summary>
/// A formula as written, before its names are resolved: the parser builds it, <see cref="FormulaBinder"/> turns it into
/// <see cref="FormulaNode"/>s. Names need the second step because a comprehension binds its variable after the element
/// that uses it (<c>[dim.salience for dim in all_dimensions]</c>). Nodes keep positions, never substrings, so a
/// formula of n terms costs memory in proportion to n.
/// </summary>
/// <param name="Start">0-based offset of the first character.</param>
/// <param name="End">0-based offset one past the last character.</param>
internal abstract record FormulaSyntax(int Start, int End);

internal sealed record NumberSyntax(int Start, int End, double Value) : FormulaSyntax(Start, End);

internal sealed record TextSyntax(int Start, int End, string Value) : FormulaSyntax(Start, End);

internal sealed record BooleanSyntax(int Start, int End, bool Value) : FormulaSyntax(Start, End);

/// <summary>A dotted name (<c>dimensions.hope.salience</c>, <c>dim.raw_score</c>); each part with its offset.</summary>
internal sealed record NameSyntax(int Start, int End, IReadOnlyList<(string Name, int Start)> Parts) : FormulaSyntax(Start, End);

/// <param name="Open">Offset of the '('.</param>
internal sealed record CallSyntax(int Start, int End, NameSyntax Function, int Open, IReadOnlyList<FormulaSyntax> Arguments) : FormulaSyntax(Start, End);

/// <summary><c>target[i]</c>, or <c>target[i, j]</c> (NumPy's index into a matrix).</summary>
internal sealed record IndexSyntax(int Start, int End, FormulaSyntax Target, IReadOnlyList<FormulaSyntax> Indices) : FormulaSyntax(Start, End);

internal sealed record ListSyntax(int Start, int End, IReadOnlyList<FormulaSyntax> Items) : FormulaSyntax(Start, End);

/// <summary>One <c>for variable in iterable</c> clause (Condition null) or one <c>if condition</c> clause.</summary>
internal sealed record ComprehensionClause(string? Variable, int VariableStart, FormulaSyntax? Iterable, FormulaSyntax? Condition);

internal sealed record ComprehensionSyntax(int Start, int End, FormulaSyntax Element, IReadOnlyList<ComprehensionClause> Clauses) : FormulaSyntax(Start, End);

/// <summary>Unary <c>-</c>, <c>+</c> or <c>not</c>.</summary>
internal sealed record UnarySyntax(int Start, int End, string Operator, FormulaSyntax Operand) : FormulaSyntax(Start, End);

/// <summary>
/// Operators of one precedence level applied left to right: <c>a + b - c</c> is one chain, not a tree as deep as it is
/// long, so a long sum needs neither quadratic memory nor a deep stack.
/// </summary>
internal sealed record ChainSyntax(int Start, int End, FormulaSyntax First, IReadOnlyList<(string Operator, FormulaSyntax Operand)> Rest) : FormulaSyntax(Start, End);

/// <summary><c>base ** exponent</c> (right-associative, as in Python).</summary>
internal sealed record PowerSyntax(int Start, int End, FormulaSyntax Base, FormulaSyntax Exponent) : FormulaSyntax(Start, End);

/// <summary>Comparisons, chained as in Python: <c>a &lt; b &lt;= c</c> is <c>a &lt; b and b &lt;= c</c>.</summary>
internal sealed record CompareSyntax(int Start, int End, FormulaSyntax First, IReadOnlyList<(string Operator, FormulaSyntax Operand)> Rest) : FormulaSyntax(Start, End);

/// <summary><c>and</c> or <c>or</c> over two or more operands.</summary>
internal sealed record LogicSyntax(int Start, int End, string Operator, IReadOnlyList<FormulaSyntax> Operands) : FormulaSyntax(Start, End);

/// <summary><c>then if condition else otherwise</c>.</summary>
internal sealed record ConditionalSyntax(int Start, int End, FormulaSyntax Then, FormulaSyntax Condition, FormulaSyntax Otherwise) : FormulaSyntax(Start, End);
