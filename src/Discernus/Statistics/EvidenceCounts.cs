namespace Discernus.Statistics;

/// <summary>Evidence quotes over all analyses; unverified ones did not occur in their document.</summary>
internal sealed record EvidenceCounts(int Total, int Verified, int Unverified);
