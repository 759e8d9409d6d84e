using Discernus.Reports;

namespace Discernus.Agents;

/// <summary>What the SynthesisAgent stores: the statistics, the interpretation and the evidence the report quotes.</summary>
internal sealed record SynthesisResult
{
    public required string StatisticsHash { get; init; }
    public required string SynthesisTextHash { get; init; }
    /// <summary>Per-document scores as CSV (one row per document × model × run).</summary>
    public string? ScoresCsvHash { get; init; }
    /// <summary>Export file name (scores.csv, evidence.parquet, statistics.json, ...) → its SHA-256 in the artifact store.</summary>
    public IReadOnlyDictionary<string, string> Exports { get; init; } = new Dictionary<string, string>();
    public required string Model { get; init; }
    public required TokenUsage TokensUsed { get; init; }
    public decimal? CostUsd { get; init; }
    /// <summary>What the synthesis call amounted to (provider requests, cache hits, retries, failures), counted where it ran.</summary>
    public Models.ModelCallCounts Calls { get; init; } = Models.ModelCallCounts.None;
    public IReadOnlyList<ReportEvidence> Evidence { get; init; } = [];
    /// <summary>Dimensions no analysis could score, with the reason (e.g. the lexicon baseline and a marker-less dimension).</summary>
    public IReadOnlyDictionary<string, string> NotScorable { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Hypotheses { get; init; } = [];
    /// <summary>Dimensions with no signal (no document scored above 0), with the reason; never ranked or called a finding.</summary>
    public IReadOnlyDictionary<string, string> NoSignal { get; init; } = new Dictionary<string, string>();
    /// <summary>SHA-256 of the calibration artifact (the fitted maps and every calibrated score); null when the run did not calibrate.</summary>
    public string? CalibrationHash { get; init; }
    /// <summary>For each model name, the model ids its provider returned (the exact versions that answered).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ModelVersions { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>What the ReportAgent stores: the two renderings of the report.</summary>
internal sealed record ReportResult(string MarkdownHash, string HtmlHash);
