namespace Discernus.Tests.Statistics;

/// <summary>Small published data sets whose test outputs are printed in R's documentation and countless tutorials.</summary>
internal static class ReferenceData
{
    /// <summary>R's <c>sleep</c> data (Student 1908; Cushny and Peebles 1905): extra hours of sleep, drug 1.</summary>
    public static readonly double[] SleepGroup1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];

    /// <summary>R's <c>sleep</c> data, drug 2.</summary>
    public static readonly double[] SleepGroup2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

    /// <summary>R's <c>PlantGrowth</c> data (Dobson 1983): dried plant weight, control group.</summary>
    public static readonly double[] PlantControl = [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14];

    public static readonly double[] PlantTreatment1 = [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69];

    public static readonly double[] PlantTreatment2 = [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26];

    /// <summary>Hollander and Wolfe (1973), p. 187, as in the example of R's <c>cor.test</c>.</summary>
    public static readonly double[] HollanderWolfeX = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1];

    public static readonly double[] HollanderWolfeY = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8];

    /// <summary>
    /// Twelve documents' scores in 0–1, two groups of six (Statistics/Reference/one_sided_reference.py): a two-sided
    /// Welch p of 0.049, the size of result a confirmatory hypothesis must not lose to the exploration around it.
    /// </summary>
    public static readonly double[] Low = [0.42, 0.55, 0.38, 0.61, 0.47, 0.50];

    public static readonly double[] High = [0.63, 0.74, 0.46, 0.51, 0.83, 0.68];
}
