using MathNet.Numerics.LinearAlgebra;

namespace Discernus.Calibration;

/// <summary>
/// Ridge regression of one training set for every penalty at once. The inputs are standardised on the training rows and
/// the label centred (so the intercept, the mean label, is not penalised); then one symmetric eigen-decomposition, of
/// the smaller of XᵀX (inputs × inputs) and XXᵀ (documents × documents), gives the weights for any penalty as
/// w(α) = B · (c / (λ + nα)), with B = V and c = Vᵀ Xᵀ y when XᵀX = V Λ Vᵀ, or B = Xᵀ Q and c = Qᵀ y when XXᵀ = Q Λ Qᵀ
/// (the same w: (XᵀX + λI)⁻¹Xᵀ = Xᵀ(XXᵀ + λI)⁻¹). So the penalty grid costs one decomposition per training set, not one
/// solve per penalty; with 240 documents and 400 features that is a 240 × 240 decomposition.
/// </summary>
internal sealed class RidgePath
{
    /// <summary>
    /// The penalties tried (α, per document: the loss is the mean squared error): half-decades from 10⁻³ to 10⁴. With
    /// standardised inputs α = 1 shrinks as much as one input's whole variance; the ends are nearly least squares and
    /// nearly the mean label. Written out so the artifact's numbers do not depend on <see cref="Math.Pow"/>.
    /// </summary>
    public static readonly IReadOnlyList<double> Penalties =
    [
        0.001, 0.0031622776601683794, 0.01, 0.031622776601683791, 0.1, 0.31622776601683794, 1, 3.1622776601683795,
        10, 31.622776601683793, 100, 316.22776601683796, 1000, 3162.2776601683795, 10000,
    ];

    // Below this relative size a standard deviation is treated as zero: the input is constant on the training rows.
    private const double ConstantInput = 1e-12;

    private readonly double[] _means;
    private readonly double[] _scales;
    private readonly double _intercept;
    private readonly int _rows;
    // Primal (more documents than inputs): B = V. Dual: the standardised training inputs X and Q, B = XᵀQ left unformed,
    // because the held-out documents need only (Xᵥ Xᵀ) Q, far cheaper than XᵀQ with 400 inputs, and a map only Xᵀ(Q s).
    private readonly Matrix<double>? _inputs;
    private readonly Matrix<double> _vectors;
    private readonly double[] _eigenvalues;
    private readonly double[] _coefficients;

    /// <param name="design">One row per document: the raw score, then the features.</param>
    /// <param name="rows">The training documents (indexes into <paramref name="design"/> and <paramref name="labels"/>).</param>
    public RidgePath(IReadOnlyList<double[]> design, IReadOnlyList<int> rows, IReadOnlyList<double> labels)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        if (rows.Count == 0)
        {
            throw new ArgumentException("a ridge fit needs at least one training document", nameof(rows));
        }

        var inputs = design[rows[0]].Length;
        _rows = rows.Count;
        _means = new double[inputs];
        _scales = new double[inputs];
        foreach (var r in rows)
        {
            for (var j = 0; j < inputs; j++)
            {
                _means[j] += design[r][j];
            }
        }

        for (var j = 0; j < inputs; j++)
        {
            _means[j] /= _rows;
        }

        foreach (var r in rows)
        {
            for (var j = 0; j < inputs; j++)
            {
                var d = design[r][j] - _means[j];
                _scales[j] += d * d;
            }
        }

        for (var j = 0; j < inputs; j++)
        {
            var sd = Math.Sqrt(_scales[j] / _rows);
            _scales[j] = sd > ConstantInput * Math.Max(1, Math.Abs(_means[j])) ? sd : 1;
        }

        _intercept = rows.Average(r => labels[r]);
        var x = Standardise(design, rows);
        var y = Vector<double>.Build.Dense(_rows, i => labels[rows[i]] - _intercept);
        if (_rows <= inputs)
        {
            var evd = x.TransposeAndMultiply(x).Evd(Symmetricity.Symmetric);
            _inputs = x;
            _vectors = evd.EigenVectors;
            _coefficients = evd.EigenVectors.TransposeThisAndMultiply(y).ToArray();
            _eigenvalues = evd.EigenValues.Select(v => Math.Max(0, v.Real)).ToArray();
        }
        else
        {
            var evd = x.TransposeThisAndMultiply(x).Evd(Symmetricity.Symmetric);
            _vectors = evd.EigenVectors;
            _coefficients = evd.EigenVectors.TransposeThisAndMultiply(x.TransposeThisAndMultiply(y)).ToArray();
            _eigenvalues = evd.EigenValues.Select(v => Math.Max(0, v.Real)).ToArray();
        }
    }

    /// <summary>Other documents in the basis of the path (standardised with the training means and deviations), for <see cref="Predict"/>.</summary>
    public Matrix<double> Project(IReadOnlyList<double[]> design, IReadOnlyList<int> rows) =>
        _inputs is null ? Standardise(design, rows) * _vectors : Standardise(design, rows).TransposeAndMultiply(_inputs) * _vectors;

    /// <summary>Predictions for the projected documents at one penalty, clipped to [0, 1].</summary>
    public double[] Predict(Matrix<double> projected, double penalty)
    {
        ArgumentNullException.ThrowIfNull(projected);
        var predictions = (projected * Shrunk(penalty)).ToArray();
        for (var i = 0; i < predictions.Length; i++)
        {
            predictions[i] = ICalibrationMap.Clip(_intercept + predictions[i]);
        }

        return predictions;
    }

    /// <summary>The fitted map at one penalty.</summary>
    public RidgeMap Map(double penalty)
    {
        var weights = _inputs is null ? _vectors * Shrunk(penalty) : _inputs.TransposeThisAndMultiply(_vectors * Shrunk(penalty));
        return new RidgeMap(penalty, _intercept, (double[])_means.Clone(), (double[])_scales.Clone(), weights.ToArray());
    }

    private Vector<double> Shrunk(double penalty)
    {
        var lambda = penalty * _rows;
        return Vector<double>.Build.Dense(_coefficients.Length, i => _coefficients[i] / (_eigenvalues[i] + lambda));
    }

    private Matrix<double> Standardise(IReadOnlyList<double[]> design, IReadOnlyList<int> rows) =>
        Matrix<double>.Build.Dense(rows.Count, _means.Length, (i, j) => (design[rows[i]][j] - _means[j]) / _scales[j]);
}
