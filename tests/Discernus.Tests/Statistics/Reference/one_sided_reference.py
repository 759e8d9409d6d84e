"""Independent reference values for the confirmatory tests of Discernus (HypothesisTestsTests, HypothesisJudgeTests).

Python 3.11 standard library + mpmath only (no SciPy here): every quantity is computed from its textbook definition at
40 significant digits, so the C# implementation (MathNet) is checked against code that shares nothing with it.

    python3 tests/Discernus.Tests/Statistics/Reference/one_sided_reference.py

Conventions follow SciPy: ttest_ind(a, b, equal_var=False, alternative="greater") tests mean(a) > mean(b);
pearsonr(x, y, alternative="greater") tests r > 0.
"""

from mpmath import mp, mpf, betainc, sqrt, atanh, tanh, exp, log, loggamma

mp.dps = 40
Z975 = mpf("1.959963984540054235524594430520551527955550")  # Φ⁻¹(0.975)

# R's `sleep` data (ReferenceData.SleepGroup1 / SleepGroup2).
SLEEP_1 = ["0.7", "-1.6", "-0.2", "-1.2", "-0.1", "3.4", "3.7", "0.8", "0.0", "2.0"]
SLEEP_2 = ["1.9", "0.8", "1.1", "0.1", "-0.1", "4.4", "5.5", "1.6", "4.6", "3.4"]
# Twelve documents in two groups of six, scores in 0–1 (HypothesisJudgeTests.DilutionData): two-sided Welch p ≈ 0.049.
LOW = ["0.42", "0.55", "0.38", "0.61", "0.47", "0.50"]
HIGH = ["0.63", "0.74", "0.46", "0.51", "0.83", "0.68"]
# Hollander & Wolfe (1973), p. 187 (ReferenceData.HollanderWolfeX / Y).
HW_X = ["44.4", "45.9", "41.9", "53.3", "44.7", "44.1", "50.7", "45.2", "60.1"]
HW_Y = ["2.6", "3.1", "2.5", "5.0", "3.6", "4.0", "5.2", "2.8", "3.8"]
# R's PlantGrowth (ReferenceData.PlantControl / PlantTreatment1 / PlantTreatment2).
PLANT = [
    ["4.17", "5.58", "5.18", "6.11", "4.50", "4.61", "5.17", "4.53", "5.33", "5.14"],
    ["4.81", "4.17", "4.41", "3.59", "5.87", "3.83", "6.03", "4.89", "4.32", "4.69"],
    ["6.31", "5.12", "5.54", "5.50", "5.37", "5.29", "4.92", "6.15", "5.80", "5.26"],
]


def numbers(values):
    return [mpf(v) for v in values]


def mean(xs):
    return sum(xs) / len(xs)


def var(xs):
    m = mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def t_cdf(t, df):
    """Student t CDF from the regularised incomplete beta: P(T ≤ t) = 1 − ½ I_{df/(df+t²)}(df/2, 1/2) for t > 0."""
    tail = betainc(df / 2, mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return 1 - tail if t > 0 else tail


def welch(a, b):
    a, b = numbers(a), numbers(b)
    se2 = var(a) / len(a) + var(b) / len(b)
    t = (mean(a) - mean(b)) / sqrt(se2)
    df = se2 ** 2 / ((var(a) / len(a)) ** 2 / (len(a) - 1) + (var(b) / len(b)) ** 2 / (len(b) - 1))
    greater = 1 - t_cdf(t, df)
    less = t_cdf(t, df)
    return t, df, greater, less, 2 * min(greater, less)


def hedges_g_interval(a, b):
    """Hedges' g (pooled sd, J = 1 − 3/(4(n₁+n₂−2) − 1)) and Hedges & Olkin's (1985) large-sample 95 % interval."""
    a, b = numbers(a), numbers(b)
    n1, n2 = len(a), len(b)
    pooled = sqrt(((n1 - 1) * var(a) + (n2 - 1) * var(b)) / (n1 + n2 - 2))
    g = (mean(a) - mean(b)) / pooled * (1 - mpf(3) / (4 * (n1 + n2 - 2) - 1))
    se = sqrt(mpf(n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
    return g, g - Z975 * se, g + Z975 * se


def pearson(x, y):
    x, y = numbers(x), numbers(y)
    mx, my = mean(x), mean(y)
    r = sum((a - mx) * (b - my) for a, b in zip(x, y)) / sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))
    df = len(x) - 2
    t = r * sqrt(df / (1 - r * r))
    greater = 1 - t_cdf(t, df)
    less = t_cdf(t, df)
    z, se = atanh(r), 1 / sqrt(len(x) - 3)
    return r, t, df, greater, less, 2 * min(greater, less), tanh(z - Z975 * se), tanh(z + Z975 * se)


def noncentral_f_cdf(f, df1, df2, lam):
    """P(F' ≤ f): the Poisson(λ/2) mixture of regularised incomplete betas I_x(df1/2 + j, df2/2), x = df1·f/(df1·f + df2)."""
    x = df1 * f / (df1 * f + df2)
    mu = lam / 2
    total, j = mpf(0), 0
    while True:
        weight = exp(-mu + (j * log(mu) if mu > 0 else 0) - loggamma(j + 1)) if mu > 0 or j == 0 else mpf(0)
        term = weight * betainc(mpf(df1) / 2 + j, mpf(df2) / 2, 0, x, regularized=True)
        total += term
        j += 1
        if j > mu and weight < mpf("1e-45"):
            return total


def eta_squared_interval(groups):
    """η² and its 95 % interval by inverting the noncentral F in λ (Steiger 2004), η² = λ / (λ + N)."""
    groups = [numbers(g) for g in groups]
    everything = [v for g in groups for v in g]
    n, k = len(everything), len(groups)
    grand = mean(everything)
    between = sum(len(g) * (mean(g) - grand) ** 2 for g in groups)
    within = sum(sum((v - mean(g)) ** 2 for v in g) for g in groups)
    df1, df2 = k - 1, n - k
    f = between / df1 / (within / df2)

    def bound(target):
        if noncentral_f_cdf(f, df1, df2, 0) <= target:
            return mpf(0)
        # The CDF falls as λ grows: double the upper end until it brackets the target, then bisect to 1e-30.
        low, high = mpf(0), mpf(1)
        while noncentral_f_cdf(f, df1, df2, high) > target:
            low, high = high, 2 * high
        while high - low > mpf("1e-30"):
            middle = (low + high) / 2
            low, high = (middle, high) if noncentral_f_cdf(f, df1, df2, middle) > target else (low, middle)
        return (low + high) / 2

    low, high = bound(mpf("0.975")), bound(mpf("0.025"))
    return f, between / (between + within), low / (low + n), high / (high + n)


def show(label, value):
    print(f"{label} = {mp.nstr(value, 15)}")


for name, (a, b) in {"sleep (drug 1 vs drug 2)": (SLEEP_1, SLEEP_2), "low vs high (12 documents)": (LOW, HIGH)}.items():
    t, df, greater, less, two = welch(a, b)
    print(f"Welch t-test, {name}")
    show("  t", t)
    show("  df", df)
    show("  p greater (first > second)", greater)
    show("  p less (first < second)", less)
    show("  p two-sided", two)
    g, low, high = hedges_g_interval(a, b)
    show("  Hedges g", g)
    show("  g 95% CI lower (Hedges & Olkin)", low)
    show("  g 95% CI upper", high)

r, t, df, greater, less, two, low, high = pearson(HW_X, HW_Y)
print("Pearson r, Hollander & Wolfe")
show("  r", r)
show("  t", t)
show("  p greater (r > 0)", greater)
show("  p less (r < 0)", less)
show("  p two-sided", two)
show("  r 95% CI lower (Fisher z)", low)
show("  r 95% CI upper", high)

f, eta, low, high = eta_squared_interval(PLANT)
print("One-way ANOVA, PlantGrowth")
show("  F", f)
show("  eta squared", eta)
show("  eta squared 95% CI lower (noncentral F)", low)
show("  eta squared 95% CI upper", high)
