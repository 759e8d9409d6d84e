namespace Discernus.Provenance;

/// <summary>
/// What an update does to the manifest's <c>files</c> list, which is streamed rather than held: entries with
/// <see cref="RemoveRole"/> or a path in <see cref="Replace"/> are dropped, then <see cref="Add"/> is appended (a path
/// already listed otherwise keeps its entry). <see cref="Replace"/> is for files written again with new content (a
/// resumed run's synthesis and report).
/// </summary>
internal sealed record ManifestFileChanges(IReadOnlyList<ManifestFile> Add, string? RemoveRole = null, IReadOnlySet<string>? Replace = null);
