using Discernus.Reports;

namespace Discernus.Agents;

/// <summary>
/// The quotes the report shows under each dimension, chosen while the results go past one at a time: one verified
/// quote from each of the <see cref="QuotesPerDimension"/> highest-scoring documents (ties: document name, then task
/// order), and the first <see cref="MaxUnverifiedPerDimension"/> unverified quotes by document name, flagged, so a model
/// cannot invent evidence unnoticed. Only those candidates are kept, never every quote of the run.
/// </summary>
internal sealed class EvidenceSelection
{
    public const int QuotesPerDimension = 3;
    public const int MaxUnverifiedPerDimension = 20;

    private readonly IReadOnlyList<string> _dimensions;
    private readonly List<VerifiedCandidate>[] _verified;
    private readonly List<UnverifiedCandidate>[] _unverified;
    private int _added;

    public EvidenceSelection(IReadOnlyList<string> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        _dimensions = dimensions;
        _verified = dimensions.Select(_ => new List<VerifiedCandidate>(QuotesPerDimension + 1)).ToArray();
        _unverified = dimensions.Select(_ => new List<UnverifiedCandidate>(MaxUnverifiedPerDimension + 1)).ToArray();
    }

    /// <summary>Offers the quotes of the next result, in task order.</summary>
    public void Add(AnalysisResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var index = _added++;
        for (var d = 0; d < _dimensions.Count; d++)
        {
            if (result.FrameworkAnalysis.GetValueOrDefault(_dimensions[d]) is not { } dimension)
            {
                continue;
            }

            if (dimension.Score is double score && score > 0 && dimension.Evidence.FirstOrDefault(e => e.Verified) is { } verified)
            {
                OfferVerified(_verified[d], new VerifiedCandidate(score, result.DocumentName, result.DocumentId, index, verified.Quote));
            }

            var position = 0;
            foreach (var quote in dimension.Evidence)
            {
                if (!quote.Verified)
                {
                    OfferUnverified(_unverified[d], new UnverifiedCandidate(result.DocumentName, index, position++, dimension.Score, quote.Quote));
                }
            }
        }
    }

    /// <summary>Per dimension in framework order: the verified quotes, best first, then the unverified ones.</summary>
    public List<ReportEvidence> Selected()
    {
        var evidence = new List<ReportEvidence>();
        for (var d = 0; d < _dimensions.Count; d++)
        {
            evidence.AddRange(_verified[d].Select(c => new ReportEvidence(_dimensions[d], c.DocumentName, c.Score, c.Quote, true)));
            evidence.AddRange(_unverified[d].Select(c => new ReportEvidence(_dimensions[d], c.DocumentName, c.Score, c.Quote, false)));
        }

        return evidence;
    }

    // One place per document: a better candidate of a listed document replaces it; another document's enters when it
    // beats the last. A candidate dropped here can never return: the listed ones only get better.
    private static void OfferVerified(List<VerifiedCandidate> list, VerifiedCandidate candidate)
    {
        var same = list.FindIndex(c => string.Equals(c.DocumentId, candidate.DocumentId, StringComparison.Ordinal));
        if (same >= 0)
        {
            if (candidate.CompareTo(list[same]) >= 0)
            {
                return;
            }

            list.RemoveAt(same);
        }
        else if (list.Count == QuotesPerDimension && candidate.CompareTo(list[^1]) >= 0)
        {
            return;
        }

        Insert(list, candidate, QuotesPerDimension);
    }

    private static void OfferUnverified(List<UnverifiedCandidate> list, UnverifiedCandidate candidate)
    {
        if (list.Count == MaxUnverifiedPerDimension && candidate.CompareTo(list[^1]) >= 0)
        {
            return;
        }

        Insert(list, candidate, MaxUnverifiedPerDimension);
    }

    private static void Insert<T>(List<T> list, T candidate, int limit)
        where T : IComparable<T>
    {
        var at = list.BinarySearch(candidate);
        list.Insert(at < 0 ? ~at : at, candidate);
        if (list.Count > limit)
        {
            list.RemoveAt(list.Count - 1);
        }
    }

    /// <summary>Ordered best first: higher score, then document name, then task order.</summary>
    private sealed record VerifiedCandidate(double Score, string DocumentName, string DocumentId, int Index, string Quote) : IComparable<VerifiedCandidate>
    {
        public int CompareTo(VerifiedCandidate? other)
        {
            ArgumentNullException.ThrowIfNull(other);
            var order = other.Score.CompareTo(Score);
            if (order == 0)
            {
                order = string.CompareOrdinal(DocumentName, other.DocumentName);
            }

            return order != 0 ? order : Index.CompareTo(other.Index);
        }
    }

    /// <summary>Ordered by document name, then task order, then the quote's place in its answer.</summary>
    private sealed record UnverifiedCandidate(string DocumentName, int Index, int Position, double? Score, string Quote) : IComparable<UnverifiedCandidate>
    {
        public int CompareTo(UnverifiedCandidate? other)
        {
            ArgumentNullException.ThrowIfNull(other);
            var order = string.CompareOrdinal(DocumentName, other.DocumentName);
            if (order == 0)
            {
                order = Index.CompareTo(other.Index);
            }

            return order != 0 ? order : Position.CompareTo(other.Position);
        }
    }
}
