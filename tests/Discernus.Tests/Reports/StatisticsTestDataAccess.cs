using Discernus.Statistics;

namespace Discernus.Tests.Reports;

internal static class StatisticsTestDataAccess
{
    public static AnalysisRecord Scores(string document, params (string Dimension, double? Score)[] scores) =>
        Discernus.Tests.Statistics.StatisticsTestData.Scores(document, scores);
}
