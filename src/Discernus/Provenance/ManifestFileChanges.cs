using Discernus.Content;

namespace Discernus.Provenance;

/// <summary>
/// What an update does to the manifest's <c>files</c> list, which is streamed rather than held: entries with
/// <see cref="RemoveRole"/> or a path in <see cref="Replace"/> are dropped, then <see cref="Add"/> is appended (a path
/// already listed otherwise keeps its entry). <see cref="Replace"/> is for files written again with new content (a
/// resumed run's synthesis and report). <see cref="AnalysisResults"/> are appended before <see cref="Add"/>, each as the
/// entry of its result file (<see cref="RunFolder.AnalysisResultFile"/>, role <see cref="AnalysisResultRole"/>): held
/// as 32 bytes a hash, where a million of them as entries and path strings took about 300 MB at every update.
/// </summary>
internal sealed record ManifestFileChanges(
    IReadOnlyList<ManifestFile> Add, string? RemoveRole = null, IReadOnlySet<string>? Replace = null, IReadOnlyList<Sha256Key>? AnalysisResults = null)
{
    public const string AnalysisResultRole = "analysis_result";
}
