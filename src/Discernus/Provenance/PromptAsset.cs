namespace Discernus.Provenance;

/// <summary>An agent prompt file (the "prompt DNA"), stored and hashed with every run.</summary>
internal sealed record PromptAsset(string Name, string FileName, byte[] Content);
