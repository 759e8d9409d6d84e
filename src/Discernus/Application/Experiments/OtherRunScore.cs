namespace Discernus.Application;

/// <summary>A document's score on one dimension in another run of the experiment (the document page compares runs).</summary>
public sealed record OtherRunScore(string RunId, string Model, int Run, string Dimension, double? Score, double? Salience, double? Confidence);
