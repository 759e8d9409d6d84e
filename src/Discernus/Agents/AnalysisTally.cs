using Discernus.Models;

namespace Discernus.Agents;

/// <summary>
/// What a synthesis notes about the results as they go past, besides their numbers: which model versions answered,
/// whether every analysis was the lexicon's, and which dimensions no analysis could score (with the first reason).
/// </summary>
internal sealed class AnalysisTally
{
    private readonly IReadOnlyList<string> _dimensions;
    private readonly bool[] _neverScorable;
    private readonly string?[] _firstReasons;
    private readonly SortedDictionary<string, SortedSet<string>> _versions = new(StringComparer.Ordinal);
    private int _added;

    public AnalysisTally(IReadOnlyList<string> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        _dimensions = dimensions;
        _neverScorable = dimensions.Select(_ => true).ToArray();
        _firstReasons = new string?[dimensions.Count];
    }

    /// <summary>True while every analysis added came from the offline lexicon.</summary>
    public bool LexiconOnly { get; private set; } = true;

    public void Add(AnalysisResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var metadata = result.ProcessingMetadata;
        LexiconOnly &= metadata.Model == ModelName.LexiconName;
        if (!_versions.TryGetValue(metadata.Model, out var versions))
        {
            _versions[metadata.Model] = versions = new SortedSet<string>(StringComparer.Ordinal);
        }

        if (metadata.ModelVersion is { } version)
        {
            versions.Add(version);
        }

        for (var d = 0; d < _dimensions.Count; d++)
        {
            var reason = result.FrameworkAnalysis.GetValueOrDefault(_dimensions[d])?.NotScorableReason;
            _neverScorable[d] &= reason is not null;
            if (_added == 0)
            {
                _firstReasons[d] = reason;
            }
        }

        _added++;
    }

    /// <summary>Dimensions that no analysis could score, with the first analysis's reason.</summary>
    public Dictionary<string, string> NotScorable()
    {
        var notScorable = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var d = 0; d < _dimensions.Count; d++)
        {
            if (_added > 0 && _neverScorable[d])
            {
                notScorable[_dimensions[d]] = _firstReasons[d]!;
            }
        }

        return notScorable;
    }

    /// <summary>Model name → the distinct model ids its provider returned, both sorted.</summary>
    public Dictionary<string, IReadOnlyList<string>> ModelVersions() =>
        _versions.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value.ToList(), StringComparer.Ordinal);
}
