namespace Discernus.MiniLM;

/// <summary>
/// Scores every dimension of a framework from the cosine similarities between the document's units (sentences) and the
/// dimensions' <see cref="DimensionProfile"/>s. Deterministic for given vectors; the formulas and the calibration of
/// their constants are in docs/models.md. For unit i and dimension d, with a = cos(unit, centroid) and b =
/// cos(unit, counter-centroid) (b = -1 without negative markers) and g = the mean a of the framework's other
/// dimensions (g = Floor when d is the only one):
/// <code>
/// v        = a - max(0, b - a) - Generality * max(0, g - Floor)
///                                                           (a unit closer to the counter-markers is pulled down, and
///                                                            so is one as close to every dimension: it is about the
///                                                            framework's general topic, not about d)
/// u        = clamp((v - Floor) / (Ceiling - Floor), 0, 1)   (calibrated closeness: 0 at the similarity of unrelated
///                                                             sentences, 1 at that of sentences plainly on d)
/// top      = the TopK units with the highest v
/// strength = mean u over top
/// breadth  = share of the units with u >= Touch
/// counter  = share of the units touching d or its counter-markers (max(u, u_b) >= Touch) that are closer to the
///            counter-markers (b > a)
/// raw_score  = strength * (0.75 + 0.25 * breadth) * (1 - 0.5 * counter)
/// salience   = share of the document's words in units whose nearest dimension (highest u) is d, with u >= Touch
/// margin     = mean over top of a - max(b, best a of the other dimensions, Floor)
/// confidence = 0.2 + 0.8 * clamp(margin / MarginScale, 0, 1)
/// evidence   = the units of top with u >= Touch, closest first, verbatim (white space collapsed)
/// </code>
/// All values are clamped to [0, 1] and rounded to 4 decimals (midpoint away from zero).
/// </summary>
internal static class SemanticScorer
{
    public const double Floor = 0.1;
    public const double Ceiling = 0.4;
    public const double Generality = 0.5;
    public const int TopK = 3;
    public const double Touch = 0.25;
    public const double MarginScale = 0.2;

    public static IReadOnlyList<SemanticScore> Score(IReadOnlyList<DimensionProfile> profiles, IReadOnlyList<SemanticUnit> units, IReadOnlyList<float[]> unitVectors)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(unitVectors);
        if (units.Count != unitVectors.Count)
        {
            throw new ArgumentException($"{units.Count} units but {unitVectors.Count} vectors", nameof(unitVectors));
        }

        var n = units.Count;
        var dims = profiles.Count;
        var a = new double[dims][];
        var b = new double[dims][];
        var v = new double[dims][];
        var u = new double[dims][];
        for (var d = 0; d < dims; d++)
        {
            a[d] = new double[n];
            b[d] = new double[n];
            v[d] = new double[n];
            u[d] = new double[n];
            for (var i = 0; i < n; i++)
            {
                a[d][i] = Vectors.Dot(unitVectors[i], profiles[d].Centroid);
                b[d][i] = profiles[d].CounterCentroid is { } counter ? Vectors.Dot(unitVectors[i], counter) : -1;
            }
        }

        for (var d = 0; d < dims; d++)
        {
            for (var i = 0; i < n; i++)
            {
                var generic = 0.0;
                if (dims > 1)
                {
                    var others = 0.0;
                    for (var o = 0; o < dims; o++)
                    {
                        others += o == d ? 0 : a[o][i];
                    }

                    generic = Math.Max(0, (others / (dims - 1)) - Floor);
                }

                v[d][i] = a[d][i] - Math.Max(0, b[d][i] - a[d][i]) - (Generality * generic);
                u[d][i] = Calibrate(v[d][i]);
            }
        }

        var nearest = new int[n];
        for (var i = 0; i < n; i++)
        {
            for (var d = 1; d < dims; d++)
            {
                if (u[d][i] > u[nearest[i]][i])
                {
                    nearest[i] = d;
                }
            }
        }

        var totalWords = Math.Max(1, units.Sum(x => x.Words));
        var scores = new List<SemanticScore>(dims);
        for (var d = 0; d < dims; d++)
        {
            var top = Enumerable.Range(0, n).OrderByDescending(i => v[d][i]).ThenBy(i => i).Take(TopK).ToList();
            if (top.Count == 0)
            {
                scores.Add(new SemanticScore(profiles[d].Name, 0, 0, 0.2, [], 0, 0, 0));
                continue;
            }

            var strength = top.Average(i => u[d][i]);
            var breadth = (double)Enumerable.Range(0, n).Count(i => u[d][i] >= Touch) / n;
            var touching = Enumerable.Range(0, n).Where(i => Math.Max(u[d][i], Calibrate(b[d][i])) >= Touch).ToList();
            var counterShare = touching.Count == 0 ? 0 : (double)touching.Count(i => b[d][i] > a[d][i]) / touching.Count;
            var raw = strength * (0.75 + 0.25 * breadth) * (1 - 0.5 * counterShare);

            var dimension = d;
            var salienceWords = Enumerable.Range(0, n).Where(i => nearest[i] == dimension && u[dimension][i] >= Touch).Sum(i => units[i].Words);
            var salience = (double)salienceWords / totalWords;

            var margin = top.Average(i =>
            {
                var rival = Math.Max(b[dimension][i], Floor);
                for (var o = 0; o < dims; o++)
                {
                    if (o != dimension)
                    {
                        rival = Math.Max(rival, a[o][i]);
                    }
                }

                return a[dimension][i] - rival;
            });
            var confidence = 0.2 + 0.8 * Math.Clamp(margin / MarginScale, 0, 1);
            var evidence = top.Where(i => u[dimension][i] >= Touch).Select(i => units[i].Quote).ToList();
            scores.Add(new SemanticScore(profiles[d].Name, Clean(raw), Clean(salience), Clean(confidence), evidence, a[d][top[0]], margin, counterShare));
        }

        return scores;
    }

    private static double Calibrate(double similarity) => Math.Clamp((similarity - Floor) / (Ceiling - Floor), 0, 1);

    private static double Clean(double value) => Math.Round(Math.Clamp(value, 0, 1), 4, MidpointRounding.AwayFromZero);
}
