namespace Discernus.Experiments;

/// <summary>
/// A specification file (experiment, framework, corpus manifest, gold file) as validation read it: its absolute path
/// and the SHA-256 of the very bytes that were parsed, so a later step can tell whether the file is still what was
/// validated without reading it as an experiment again.
/// </summary>
public sealed record SpecificationFile(string Path, string Sha256);
