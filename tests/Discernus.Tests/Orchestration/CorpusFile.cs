namespace Discernus.Tests.Orchestration;

/// <summary>One document of an experiment's corpus folder, as bytes on disk.</summary>
internal sealed record CorpusFile(string RelativePath, string Sha256, string Text);
