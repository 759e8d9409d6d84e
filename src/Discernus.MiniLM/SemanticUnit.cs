namespace Discernus.MiniLM;

/// <summary>One scored stretch of a document: a sentence, or a window of a long one. <see cref="Quote"/> is its text with white space collapsed, verbatim otherwise.</summary>
internal sealed record SemanticUnit(int Start, int End, string Quote, int Words);
