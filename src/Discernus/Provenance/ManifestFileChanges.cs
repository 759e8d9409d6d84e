namespace Discernus.Provenance;

/// <summary>
/// What an update does to the manifest's <c>files</c> list, which is streamed rather than held: entries with
/// <see cref="RemoveRole"/> are dropped, then <see cref="Add"/> is appended (a path already listed keeps its entry).
/// </summary>
public sealed record ManifestFileChanges(IReadOnlyList<ManifestFile> Add, string? RemoveRole = null);
