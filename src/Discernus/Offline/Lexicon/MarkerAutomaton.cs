namespace Discernus.Offline.Lexicon;

/// <summary>
/// Every marker key of a framework in one Aho–Corasick automaton, so a document is read once instead of once per
/// marker: 117 regex scans of each document were the lexicon's largest single cost (docs/benchmarks.md).
/// <para>It finds <em>candidates</em>: keys are folded (<see cref="Fold"/>) and a run of white space in the text counts
/// as one space, so every place where a marker's regex can match is reported, and possibly a few more (a letter
/// whose fold matches but which the regex engine does not treat as the same letter, a match inside a longer word).
/// <see cref="MarkerSet"/> confirms each candidate with the marker's own regex.</para>
/// </summary>
internal sealed class MarkerAutomaton
{
    // Above this many table cells (16 MB) transitions are followed through failure links instead of a full table.
    private const long DenseLimit = 1L << 22;

    private readonly int[] _asciiSymbols = new int[128];
    private readonly Dictionary<char, int> _otherSymbols = [];
    private int _symbolCount;
    private readonly int _space;
    private readonly List<Dictionary<int, int>> _children;
    private readonly int[] _fail;
    private readonly int[][] _outputs;
    private readonly int[]? _table;
    private readonly int[] _keyLengths;
    private readonly int _ringMask;

    /// <summary>Builds the automaton of <paramref name="keys"/> (already folded; a key is reported by its index).</summary>
    public MarkerAutomaton(IReadOnlyList<string> keys)
    {
        _symbolCount = 1; // 0: a character no key contains, which always leads back to the root
        _space = AddSymbol(' ');
        _children = [[]];
        var own = new List<List<int>> { new() };
        _keyLengths = new int[keys.Count];
        var longest = 1;
        for (var k = 0; k < keys.Count; k++)
        {
            var node = 0;
            foreach (var c in keys[k])
            {
                var symbol = AddSymbol(c);
                if (!_children[node].TryGetValue(symbol, out var next))
                {
                    next = _children.Count;
                    _children.Add([]);
                    own.Add([]);
                    _children[node][symbol] = next;
                }

                node = next;
            }

            own[node].Add(k);
            _keyLengths[k] = keys[k].Length;
            longest = Math.Max(longest, keys[k].Length);
        }

        _ringMask = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)longest) - 1;
        _fail = new int[_children.Count];
        _outputs = new int[_children.Count][];
        _outputs[0] = [.. own[0]];
        var dense = (long)_children.Count * _symbolCount <= DenseLimit;
        _table = dense ? new int[_children.Count * _symbolCount] : null;
        var queue = new Queue<int>();
        queue.Enqueue(0);
        while (queue.Count > 0)
        {
            // Breadth first: a node's failure link is shallower, so it is complete when the node is reached.
            var node = queue.Dequeue();
            foreach (var (symbol, child) in _children[node])
            {
                _fail[child] = node == 0 ? 0 : Step(_fail[node], symbol);
                _outputs[child] = [.. own[child], .. _outputs[_fail[child]]];
                queue.Enqueue(child);
            }

            if (_table is not null)
            {
                for (var symbol = 0; symbol < _symbolCount; symbol++)
                {
                    _table[(node * _symbolCount) + symbol] = _children[node].TryGetValue(symbol, out var child)
                        ? child
                        : node == 0 ? 0 : _table[(_fail[node] * _symbolCount) + symbol];
                }
            }
        }
    }

    /// <summary>
    /// The form in which a marker and a text are compared: the regex's apostrophe and dash classes as one character
    /// each, and case folded so that every pair of letters the regex engine treats as one case-insensitively (K and
    /// the Kelvin sign, ſ and s, µ and μ) folds alike.
    /// </summary>
    public static char Fold(char c)
    {
        if (c < 128)
        {
            return c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
        }

        return c switch
        {
            '’' or '‘' => '\'',
            '‐' or '‑' or '–' or '—' => '-',
            _ => char.ToLowerInvariant(char.ToUpperInvariant(c)),
        };
    }

    /// <summary>
    /// Each occurrence of a key in <paramref name="text"/>, in the order of its end: the key, where its first character
    /// is in the text, and where its last one ends.
    /// </summary>
    public List<(int Key, int Start, int End)> Scan(string text)
    {
        var found = new List<(int, int, int)>();
        var ring = new int[_ringMask + 1];
        var state = 0;
        var fed = 0;
        var afterSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            int symbol;
            if (char.IsWhiteSpace(c))
            {
                if (afterSpace)
                {
                    continue;
                }

                afterSpace = true;
                symbol = _space;
            }
            else
            {
                afterSpace = false;
                symbol = SymbolOf(Fold(c));
            }

            ring[fed & _ringMask] = i;
            fed++;
            state = _table is null ? Step(state, symbol) : _table[(state * _symbolCount) + symbol];
            foreach (var key in _outputs[state])
            {
                // Keys neither start nor end with a space, so the first and last characters are the text's own.
                found.Add((key, ring[(fed - _keyLengths[key]) & _ringMask], i + 1));
            }
        }

        return found;
    }

    private int Step(int node, int symbol)
    {
        while (true)
        {
            if (_children[node].TryGetValue(symbol, out var next))
            {
                return next;
            }

            if (node == 0)
            {
                return 0;
            }

            node = _fail[node];
        }
    }

    private int SymbolOf(char folded) =>
        folded < 128 ? _asciiSymbols[folded] : _otherSymbols.GetValueOrDefault(folded);

    private int AddSymbol(char folded)
    {
        var known = SymbolOf(folded);
        if (known != 0)
        {
            return known;
        }

        var symbol = _symbolCount++;
        if (folded < 128)
        {
            _asciiSymbols[folded] = symbol;
        }
        else
        {
            _otherSymbols[folded] = symbol;
        }

        return symbol;
    }
}
