namespace Discernus.Offline.Lexicon;

/// <summary>A document prepared once for the lexicon model: its text, word count and sentence spans (start inclusive, end exclusive).</summary>
public sealed record LexiconDocument(string Text, int WordCount, List<int> SentenceStarts, List<int> SentenceEnds);
