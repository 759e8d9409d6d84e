namespace Discernus.Experiments;

/// <summary>
/// One document as its single read produced it, handed to whoever needs the content (the artifact store, a token
/// counter) while it is read; the next document replaces it, so a corpus is never held in memory.
/// </summary>
internal sealed record DocumentContent(CorpusDocument Document, DocumentReading Reading, byte[] Bytes, string Text, byte[] TextBytes);
