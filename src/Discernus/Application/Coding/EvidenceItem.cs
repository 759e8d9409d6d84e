namespace Discernus.Application;

/// <summary>A verified evidence quote a model gave for a dimension, with this coder's judgement of it so far (null: none).</summary>
public sealed record EvidenceItem(int Index, string Dimension, string Model, string RunId, string Quote, bool? Supports);

/// <summary>A model's score for a dimension of the document being coded, shown once the coder has submitted.</summary>
public sealed record ModelScore(string Model, int Run, string Dimension, double? Score);
