using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace Discernus.Experiments.Pdf;

/// <summary>PdfPig's own filters, each wrapped in a <see cref="BudgetedFilter"/> charging one <see cref="PdfBudget"/>.</summary>
internal sealed class BudgetedFilterProvider(PdfBudget budget) : IFilterProvider
{
    public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => Wrap(DefaultFilterProvider.Instance.GetFilters(dictionary));

    public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => Wrap(DefaultFilterProvider.Instance.GetNamedFilters(names));

    public IReadOnlyList<IFilter> GetAllFilters() => Wrap(DefaultFilterProvider.Instance.GetAllFilters());

    private IFilter[] Wrap(IReadOnlyList<IFilter> filters) => filters.Select(f => (IFilter)new BudgetedFilter(f, budget)).ToArray();
}
