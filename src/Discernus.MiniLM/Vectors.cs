using System.Numerics.Tensors;

namespace Discernus.MiniLM;

/// <summary>The little vector arithmetic the semantic model needs; cosine similarity is a dot product of unit vectors.</summary>
internal static class Vectors
{
    public static double Dot(float[] a, float[] b) => TensorPrimitives.Dot(a, b);

    public static float[] Mean(IEnumerable<float[]> vectors)
    {
        float[]? sum = null;
        var count = 0;
        foreach (var vector in vectors)
        {
            sum ??= new float[vector.Length];
            TensorPrimitives.Add(sum, vector, sum);
            count++;
        }

        if (sum is null)
        {
            throw new ArgumentException("no vectors to average", nameof(vectors));
        }

        TensorPrimitives.Divide(sum, count, sum);
        return sum;
    }

    /// <summary>The vector scaled to unit length (a zero vector stays zero).</summary>
    public static float[] Normalize(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        var result = new float[vector.Length];
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, result);
        }

        return result;
    }
}
