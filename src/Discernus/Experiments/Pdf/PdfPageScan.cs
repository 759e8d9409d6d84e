using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Parser.Parts;
using UglyToad.PdfPig.Tokenization.Scanner;
using UglyToad.PdfPig.Tokens;

namespace Discernus.Experiments.Pdf;

/// <summary>
/// Counts what a page will cost PdfPig before it builds the page: one token at a time over its decoded content, every
/// operator and every byte of text (each becomes a letter object of a few hundred bytes), and the content of each form
/// XObject it draws, once per time it draws it. PdfPig builds a whole page at once, so this is the only point where a
/// page of 600,000 text lines can be stopped before it is in memory.
/// </summary>
internal sealed class PdfPageScan(IPdfTokenScanner scanner, IFilterProvider filters, PdfBudget budget)
{
    private const int MaxFormDepth = 16;
    private readonly Dictionary<IndirectReference, long> _formCosts = [];
    private readonly HashSet<IndirectReference> _formsInProgress = [];
    private int _pageNumber;
    private long _pageOperations;

    /// <summary>The page dictionaries in page order, each with the resources it inherits; stops past the page limit.</summary>
    public List<(DictionaryToken Page, DictionaryToken? Resources)> Pages(DictionaryToken catalog)
    {
        var pages = new List<(DictionaryToken, DictionaryToken?)>();
        var visited = new HashSet<IndirectReference>();
        if (!catalog.TryGet(NameToken.Pages, out var root))
        {
            return pages;
        }

        var stack = new Stack<(IToken Node, DictionaryToken? Resources)>();
        stack.Push((root, null));
        while (stack.Count > 0 && pages.Count <= budget.Limits.MaxPdfPages)
        {
            var (token, inherited) = stack.Pop();
            if (token is IndirectReferenceToken reference && !visited.Add(reference.Data))
            {
                continue;
            }

            if (Resolve<DictionaryToken>(token) is not { } node)
            {
                continue;
            }

            var resources = node.TryGet(NameToken.Resources, out var own) ? Resolve<DictionaryToken>(own) ?? inherited : inherited;
            if (node.TryGet(NameToken.Kids, out var kidsToken) && Resolve<ArrayToken>(kidsToken) is { } kids)
            {
                for (var i = kids.Data.Count - 1; i >= 0; i--)
                {
                    stack.Push((kids.Data[i], resources));
                }
            }
            else
            {
                pages.Add((node, resources));
            }
        }

        return pages;
    }

    /// <summary>Charges page <paramref name="pageNumber"/>'s operators and glyphs to the budget (which throws past its limit).</summary>
    public void Charge(int pageNumber, DictionaryToken page, DictionaryToken? resources)
    {
        _pageNumber = pageNumber;
        _pageOperations = 0;
        if (page.TryGet(NameToken.Contents, out var contents))
        {
            var streams = Resolve<ArrayToken>(contents) is { } array ? array.Data : [contents];
            foreach (var item in streams)
            {
                if (Resolve<StreamToken>(item) is { } stream)
                {
                    Add(Count(stream.Decode(filters), resources, 0));
                }
            }
        }

        budget.ChargePage(pageNumber, _pageOperations);
    }

    private void Add(long operations)
    {
        _pageOperations += operations;
        if (_pageOperations > budget.Limits.MaxPdfPageOperations)
        {
            budget.ChargePage(_pageNumber, _pageOperations);
        }
    }

    /// <summary>Operators and text bytes of one content stream; form costs are added to the page as they are met.</summary>
    private long Count(ReadOnlyMemory<byte> content, DictionaryToken? resources, int depth)
    {
        var tokens = new CoreTokenScanner(new MemoryInputBytes(content), false, new StackDepthGuard(256), useLenientParsing: true);
        long operations = 0;
        IToken? lastOperand = null;
        while (tokens.MoveNext())
        {
            var step = 0L;
            switch (tokens.CurrentToken)
            {
                case OperatorToken op:
                    step = 1;
                    if (op.Data == "Do" && lastOperand is NameToken name)
                    {
                        step += FormCost(name, resources, depth);
                    }

                    lastOperand = null;
                    break;
                case StringToken text:
                    step = text.Data.Length;
                    break;
                case HexToken hex:
                    step = hex.Bytes.Length;
                    break;
                case ArrayToken array:
                    step = array.Data.Sum(t => t switch { StringToken s => (long)s.Data.Length, HexToken h => h.Bytes.Length, _ => 0L });
                    break;
                case var other:
                    lastOperand = other;
                    break;
            }

            operations += step;
            if (depth == 0)
            {
                Add(step);
            }
            else if (operations > budget.Limits.MaxPdfPageOperations)
            {
                // One drawing of this form is already past what a whole page may cost.
                break;
            }
        }

        return depth == 0 ? 0 : operations;
    }

    /// <summary>The object a token names, or null when it is missing or of another type (PdfPig's Get throws then).</summary>
    private T? Resolve<T>(IToken? token)
        where T : class, IToken =>
        DirectObjectFinder.TryGet(token, scanner, out T? result) ? result : null;

    private long FormCost(NameToken name, DictionaryToken? resources, int depth)
    {
        if (depth >= MaxFormDepth || resources is null || !resources.TryGet(NameToken.Xobject, out var xobjectsToken)
            || Resolve<DictionaryToken>(xobjectsToken) is not { } xobjects
            || !xobjects.TryGet(name, out var formToken) || formToken is not IndirectReferenceToken reference)
        {
            return 0;
        }

        if (_formCosts.TryGetValue(reference.Data, out var known))
        {
            return known;
        }

        if (!_formsInProgress.Add(reference.Data)
            || Resolve<StreamToken>(reference) is not { } form
            || !form.StreamDictionary.TryGet(NameToken.Subtype, out var subtype) || !NameToken.Form.Equals(subtype))
        {
            return 0;
        }

        var formResources = form.StreamDictionary.TryGet(NameToken.Resources, out var own) ? Resolve<DictionaryToken>(own) ?? resources : resources;
        var cost = Count(form.Decode(filters), formResources, depth + 1);
        _formsInProgress.Remove(reference.Data);
        _formCosts[reference.Data] = cost;
        return cost;
    }
}
