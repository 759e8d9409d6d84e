namespace Discernus.Statistics;

/// <summary>Statistics of one named variable (a dimension's score or a derived metric) within some set of documents.</summary>
internal sealed record MetricStatistics(string Name, SummaryStatistics Summary);
