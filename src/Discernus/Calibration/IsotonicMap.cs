using Discernus.Experiments;

namespace Discernus.Calibration;

/// <summary>
/// An increasing step-and-ramp map fitted by pool-adjacent-violators, as scikit-learn's
/// <c>IsotonicRegression(increasing=True, out_of_bounds="clip")</c>: training points with the same raw score are pooled
/// first (their mean label, weighted by their number), adjacent blocks that violate the order are pooled until the fitted
/// values increase, and a new score is mapped by linear interpolation between the fitted points, clipped to the first and
/// last fitted value outside them. Fixes any monotone distortion of the scale (a model that squashes, stretches or bends
/// it) without assuming its shape.
/// </summary>
internal sealed class IsotonicMap : ICalibrationMap
{
    private readonly double[] _x;
    private readonly double[] _y;

    /// <param name="knotScores">Raw scores of the knots, strictly increasing.</param>
    /// <param name="knotValues">Fitted values at the knots, non-decreasing.</param>
    public IsotonicMap(double[] knotScores, double[] knotValues)
    {
        ArgumentNullException.ThrowIfNull(knotScores);
        ArgumentNullException.ThrowIfNull(knotValues);
        if (knotScores.Length == 0 || knotScores.Length != knotValues.Length)
        {
            throw new ArgumentException($"{knotScores.Length} knot scores and {knotValues.Length} knot values: an isotonic map needs at least one knot and as many values as scores", nameof(knotValues));
        }

        for (var i = 1; i < knotScores.Length; i++)
        {
            if (!(knotScores[i] > knotScores[i - 1]) || knotValues[i] < knotValues[i - 1])
            {
                throw new ArgumentException($"knot {i}: the scores must increase strictly and the values must not decrease", nameof(knotScores));
            }
        }

        _x = knotScores;
        _y = knotValues;
    }

    /// <summary>Raw scores of the knots, strictly increasing.</summary>
    public IReadOnlyList<double> KnotScores => _x;

    /// <summary>Fitted values at the knots, non-decreasing.</summary>
    public IReadOnlyList<double> KnotValues => _y;

    public string Method => CalibrationSettings.Isotonic;

    public bool UsesFeatures => false;

    public double Predict(double rawScore, ReadOnlySpan<float> features)
    {
        if (rawScore <= _x[0])
        {
            return ICalibrationMap.Clip(_y[0]);
        }

        if (rawScore >= _x[^1])
        {
            return ICalibrationMap.Clip(_y[^1]);
        }

        var i = Array.BinarySearch(_x, rawScore);
        if (i >= 0)
        {
            return ICalibrationMap.Clip(_y[i]);
        }

        var upper = ~i;
        var lower = upper - 1;
        var t = (rawScore - _x[lower]) / (_x[upper] - _x[lower]);
        return ICalibrationMap.Clip(_y[lower] + (t * (_y[upper] - _y[lower])));
    }

    public static IsotonicMap Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length || x.Length == 0)
        {
            throw new ArgumentException($"{x.Length} scores and {y.Length} labels: an isotonic map needs at least one pair", nameof(y));
        }

        var order = new int[x.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = x.ToArray();
        Array.Sort(keys, order);

        // Ties in x first: one point per distinct score, its mean label weighted by how many documents share the score.
        var scores = new List<double>();
        var sums = new List<double>();
        var weights = new List<double>();
        for (var k = 0; k < order.Length; k++)
        {
            if (scores.Count > 0 && keys[k] == scores[^1])
            {
                sums[^1] += y[order[k]];
                weights[^1] += 1;
            }
            else
            {
                scores.Add(keys[k]);
                sums.Add(y[order[k]]);
                weights.Add(1);
            }
        }

        // Pool adjacent violators: a stack of blocks (first point, last point, weighted sum, weight); a new point that
        // falls below the block before it is merged into it, and the merged block may in turn fall below its predecessor.
        var first = new int[scores.Count];
        var last = new int[scores.Count];
        var blockSum = new double[scores.Count];
        var blockWeight = new double[scores.Count];
        var top = -1;
        for (var p = 0; p < scores.Count; p++)
        {
            top++;
            (first[top], last[top], blockSum[top], blockWeight[top]) = (p, p, sums[p], weights[p]);
            while (top > 0 && blockSum[top - 1] / blockWeight[top - 1] > blockSum[top] / blockWeight[top])
            {
                last[top - 1] = last[top];
                blockSum[top - 1] += blockSum[top];
                blockWeight[top - 1] += blockWeight[top];
                top--;
            }
        }

        // The ends of each flat block are enough for interpolation (scikit-learn drops the inner points the same way).
        var knotX = new List<double>();
        var knotY = new List<double>();
        for (var b = 0; b <= top; b++)
        {
            var value = blockSum[b] / blockWeight[b];
            knotX.Add(scores[first[b]]);
            knotY.Add(value);
            if (last[b] != first[b])
            {
                knotX.Add(scores[last[b]]);
                knotY.Add(value);
            }
        }

        return new IsotonicMap([.. knotX], [.. knotY]);
    }
}
