"""Reference values for ValidityCalculatorTests, computed independently of the C# code.

Run: python3 tests/Discernus.Tests/Statistics/Reference/validity_reference.py
Needs only the Python 3.11 standard library and mpmath: every sum is exact (fractions.Fraction of the decimal
inputs); only the square roots of the correlations are taken in mpmath at 40 significant digits.

The data set is the one in ValidityCalculatorTests.ReferenceGold/ReferenceRecords: one dimension, 13 coded documents,
five coders with missing cells (coder E shares only two documents, too few for a correlation of their own), one
repeated row (coder A on d01), one document coded by one coder only (d13), and one model with ties and two runs on d02.

Formulas, written from their definitions rather than from the C# code:
- Pearson r: covariance over the product of standard deviations.
- Spearman rho: Pearson r of average ranks (ties share the mean of the ranks they occupy).
- Lin's CCC: 2 s_xy / (s_x^2 + s_y^2 + (mean_x - mean_y)^2), moments over n (Lin 1989).
- MAE: mean of |x - y|.
- Krippendorff's alpha (interval) from the coincidence matrix (Krippendorff 2011, section C):
  o_ck = sum over units of (number of ordered c-k pairs of values in the unit) / (m_u - 1), pairable units only;
  alpha = 1 - (n - 1) * sum o_ck (c - k)^2 / sum_{c,k} n_c n_k (c - k)^2.
- Ceiling: each coder against the mean of the other coders on the documents with at least one other coder; r, rho and
  CCC averaged over coders with at least 3 such documents, MAE over all coders, each weighted by the coder's number
  of such documents; alpha among the coders alone.
"""
from fractions import Fraction
from mpmath import mp, mpf, sqrt

mp.dps = 40

# document -> list of (coder, score) rows, as in the gold file (A rates d01 twice).
GOLD = {
    "d01": [("A", "0.2"), ("A", "0.3"), ("B", "0.3"), ("D", "0.25")],
    "d02": [("A", "0.5"), ("B", "0.6"), ("C", "0.55")],
    "d03": [("A", "0.9"), ("B", "0.8"), ("C", "0.85"), ("D", "0.95"), ("E", "0.8")],
    "d04": [("A", "0.1"), ("C", "0.2"), ("D", "0.15")],
    "d05": [("A", "0.4"), ("B", "0.35")],
    "d06": [("B", "0.7"), ("C", "0.65"), ("D", "0.6")],
    "d07": [("A", "0.3"), ("B", "0.2"), ("C", "0.4")],
    "d08": [("A", "0.6"), ("C", "0.7"), ("D", "0.8")],
    "d09": [("A", "0.05"), ("B", "0.1"), ("C", "0.0")],
    "d10": [("A", "0.75"), ("B", "0.8"), ("D", "0.7")],
    "d11": [("B", "0.45"), ("C", "0.5")],
    "d12": [("A", "0.95"), ("B", "0.9"), ("C", "1.0"), ("D", "0.85"), ("E", "0.9")],
    "d13": [("A", "0.5")],
}

# document -> the model's runs (d02 has two; d14 is analysed but not coded).
MODEL = {
    "d01": ["0.3"], "d02": ["0.35", "0.45"], "d03": ["0.7"], "d04": ["0.2"], "d05": ["0.4"], "d06": ["0.6"],
    "d07": ["0.35"], "d08": ["0.5"], "d09": ["0.1"], "d10": ["0.65"], "d11": ["0.5"], "d12": ["0.8"],
    "d13": ["0.45"], "d14": ["0.5"],
}


def to_mpf(value):
    if isinstance(value, Fraction):
        return mpf(value.numerator) / value.denominator
    return mpf(value)


def mean(values):
    return sum(values) / len(values)


def pearson(x, y):
    mx, my = mean(x), mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return to_mpf(sxy) / sqrt(to_mpf(sxx * syy))


def average_ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [None] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and values[order[j]] == values[order[i]]:
            j += 1
        rank = Fraction(i + 1 + j, 2)  # mean of ranks i+1 .. j
        for k in range(i, j):
            ranks[order[k]] = rank
        i = j
    return ranks


def spearman(x, y):
    return pearson(average_ranks(x), average_ranks(y))


def ccc(x, y):
    n = len(x)
    mx, my = mean(x), mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y)) / n
    sxx = sum((a - mx) ** 2 for a in x) / n
    syy = sum((b - my) ** 2 for b in y) / n
    return 2 * sxy / (sxx + syy + (mx - my) ** 2)


def mae(x, y):
    return mean([abs(a - b) for a, b in zip(x, y)])


def alpha_interval(units):
    units = [u for u in units if len(u) >= 2]
    coincidences = {}
    for u in units:
        m = len(u)
        for i in range(m):
            for j in range(m):
                if i != j:
                    key = (u[i], u[j])
                    coincidences[key] = coincidences.get(key, 0) + Fraction(1, m - 1)
    totals = {}
    for (c, _), o in coincidences.items():
        totals[c] = totals.get(c, 0) + o
    n = sum(totals.values())
    observed = sum(o * (c - k) ** 2 for (c, k), o in coincidences.items())
    expected = sum(totals[c] * totals[k] * (c - k) ** 2 for c in totals for k in totals)
    return 1 - (n - 1) * observed / expected


def cells(number):
    """document -> coder -> the coder's score (repeated rows averaged)."""
    table = {}
    for document, rows in GOLD.items():
        by_coder = {}
        for coder, score in rows:
            by_coder.setdefault(coder, []).append(number(score))
        table[document] = {c: mean(v) for c, v in by_coder.items()}
    return table


def compute(number):
    table = cells(number)
    documents = sorted(table)
    human = [mean(list(table[d].values())) for d in documents]
    model = [mean([number(s) for s in MODEL[d]]) for d in documents]
    result = {"ranks": (average_ranks(model), average_ranks(human))}
    result["model"] = {
        "documents": len(documents),
        "r": pearson(model, human), "rho": spearman(model, human), "ccc": ccc(model, human), "mae": mae(model, human),
        "alpha": alpha_interval([list(table[d].values()) + [m] for d, m in zip(documents, model)]),
        "mean": mean(model), "coders_mean": mean(human),
    }

    coders = sorted({c for d in documents for c in table[d]})
    per_coder = {}
    for coder in coders:
        x, y = [], []
        for d in documents:
            if coder in table[d] and len(table[d]) >= 2:
                x.append(table[d][coder])
                y.append(mean([s for c, s in table[d].items() if c != coder]))
        per_coder[coder] = (x, y)

    def weighted(metric, minimum):
        used = [(len(x), metric(x, y)) for x, y in per_coder.values() if len(x) >= minimum]
        return sum(w * v for w, v in used) / sum(w for w, _ in used)

    shared = [d for d in documents if len(table[d]) >= 2]
    result["ceiling"] = {
        "documents": len(shared),
        "r": weighted(pearson, 3), "rho": weighted(spearman, 3), "ccc": weighted(ccc, 3), "mae": weighted(mae, 1),
        "alpha": alpha_interval([list(table[d].values()) for d in documents]),
        "coders_mean": mean([mean(list(table[d].values())) for d in shared]),
    }
    result["ratio"] = result["model"]["r"] / result["ceiling"]["r"]
    result["coders"] = {c: (len(x), pearson(x, y) if len(x) >= 3 else None, mae(x, y)) for c, (x, y) in per_coder.items()}
    result["coder_ranks"] = {c: (average_ranks(x), average_ranks(y)) for c, (x, y) in per_coder.items()}
    return result


exact = compute(Fraction)
binary = compute(float)
# The C# code ranks doubles: the tie pattern must be the same in binary floating point as in exact arithmetic.
assert exact["ranks"] == binary["ranks"], "a tie differs between exact and binary arithmetic"
assert exact["coder_ranks"] == binary["coder_ranks"], "a tie differs between exact and binary arithmetic"

for section in ("model", "ceiling"):
    for name, value in exact[section].items():
        print(f"{section}.{name} = {mp.nstr(to_mpf(value), 17) if not isinstance(value, int) else value}")
print(f"ratio = {mp.nstr(to_mpf(exact['ratio']), 17)}")
for coder, (documents, r, error) in exact["coders"].items():
    print(f"coder {coder}: documents {documents}, r {mp.nstr(r, 17) if r is not None else None}, mae {mp.nstr(to_mpf(error), 17)}")
