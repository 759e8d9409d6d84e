using System.Text.Json;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>
/// A finished (or stopped) run's actual cost broken down by stage, model and agent, read from its
/// <c>logs/llm_interactions.jsonl</c> (every provider request and cache hit; lines written after the manifest was sealed,
/// in <c>logs/after_finalize.jsonl</c>, count too: they were paid for) and cross-checked against the per-document
/// results in <c>results/batch_analysis/</c>. A request whose model has no known price makes its group's cost unknown.
/// </summary>
public sealed class RunCosts
{
    public const string NotRecorded = "(not recorded)";

    /// <summary>The run folder's log the costs are read from.</summary>
    public const string InteractionsLog = RunFolder.InteractionsLog;

    private RunCosts(RunManifest manifest, IReadOnlyList<CostLine> lines, int unreadable, ResultCosts results)
    {
        (RunId, Status, Experiment) = (manifest.RunId, manifest.Status, manifest.Experiment.Name);
        Total = CostRow.Of("total", lines);
        ByStage = Group(lines, l => l.Stage);
        ByModel = Group(lines, l => l.Model);
        ByAgent = Group(lines, l => l.Agent);
        // Offline analyses and response-cache hits were billed in no mode.
        ByMode = Group(lines.Where(l => !l.Offline && !l.Cached).ToList(), l => l.Mode);
        Interactions = lines.Count;
        UnreadableLines = unreadable;
        Results = results;
    }

    public string RunId { get; }

    public string Status { get; }

    public string Experiment { get; }

    public CostRow Total { get; }

    public IReadOnlyList<CostRow> ByStage { get; }

    public IReadOnlyList<CostRow> ByModel { get; }

    public IReadOnlyList<CostRow> ByAgent { get; }

    /// <summary>Provider requests by billing mode (<c>interactive</c>, <c>batch</c>), each priced at its mode's rates.</summary>
    public IReadOnlyList<CostRow> ByMode { get; }

    /// <summary>Interaction records read; 0 when the calls ran on workers that could not write this run's log.</summary>
    public int Interactions { get; }

    public int UnreadableLines { get; }

    /// <summary>What the per-document analysis results record (a cross-check, and the only source without interactions).</summary>
    public ResultCosts Results { get; }

    /// <summary>The `costs --format json` document: every column of every table, and the results' cross-check.</summary>
    public string ToJson()
    {
        static object Row(CostRow row) => new
        {
            row.Name,
            row.Requests,
            row.OfflineAnalyses,
            row.CacheHits,
            row.FailedRequests,
            row.PromptTokens,
            row.CachedInputTokens,
            row.CacheWriteTokens,
            row.CompletionTokens,
            row.Usd,
            UsdKnownPart = row.KnownUsd,
        };

        return JsonSerializer.Serialize(new
        {
            RunId,
            Status,
            Total = Row(Total),
            ByStage = ByStage.Select(Row),
            ByModel = ByModel.Select(Row),
            ByAgent = ByAgent.Select(Row),
            ByMode = ByMode.Select(Row),
            AnalysisResults = new { Results.Documents, Results.Cached, UsdRecorded = Results.Complete ? Results.KnownUsd : (decimal?)null },
            Interactions,
            UnreadableLines,
        }, DiscernusJson.Indented);
    }

    /// <summary>Reads a run folder; throws <see cref="FileNotFoundException"/> naming the manifest when it is not one.</summary>
    public static RunCosts Read(string runFolder)
    {
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"{manifestPath} does not exist; pass a run folder, e.g. projects/nano/runs/<run_id>.", manifestPath);
        }

        var manifest = RunFolder.ReadManifest(manifestPath);
        var lines = new List<CostLine>();
        var unreadable = 0;
        var prices = Models.PriceTable.LoadDefault();
        foreach (var file in new[] { RunFolder.InteractionsLog, $"{RunFolder.LogsFolder}/{RunLog.AfterFinalizeFile}.jsonl" }.Select(f => RunFolder.Full(runFolder, f)).Where(File.Exists))
        {
            foreach (var text in File.ReadLines(file).Where(l => l.Length > 0))
            {
                switch (CostLine.TryParse(text, prices))
                {
                    case { } line:
                        lines.Add(line);
                        break;
                    case null when file.EndsWith(RunFolder.InteractionsLogName + ".jsonl", StringComparison.Ordinal):
                        unreadable++;
                        break;
                }
            }
        }

        return new RunCosts(manifest, lines, unreadable, ResultCosts.Read(RunFolder.Full(runFolder, RunFolder.BatchAnalysisFolder)));
    }

    private static IReadOnlyList<CostRow> Group(IReadOnlyList<CostLine> lines, Func<CostLine, string> key) =>
        lines.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => CostRow.Of(g.Key, g.ToList())).ToList();

    /// <summary>
    /// One group: provider requests, offline analyses (lexicon, minilm: no request, no token sent), cache hits, failed
    /// requests, tokens sent to providers and cost (null when a price was unknown); counted as the manifest counts them.
    /// </summary>
    public sealed record CostRow(string Name, long Requests, long CacheHits, long FailedRequests, long PromptTokens, long CompletionTokens, decimal KnownUsd, bool Complete)
    {
        /// <summary>The cost when every price was known, else null (<see cref="KnownUsd"/> is then a lower bound).</summary>
        public decimal? Usd => Complete ? KnownUsd : null;

        public long OfflineAnalyses { get; init; }

        /// <summary>The row's requests, offline analyses and cache hits in the words every summary uses.</summary>
        public string Work => ModelWork.Describe(Requests, OfflineAnalyses, CacheHits);

        /// <summary>Of <see cref="PromptTokens"/>, those the provider read from its prompt cache (billed at the cached-input rate).</summary>
        public long CachedInputTokens { get; init; }

        /// <summary>Of <see cref="PromptTokens"/>, those written to the provider's prompt cache (Anthropic).</summary>
        public long CacheWriteTokens { get; init; }

        // Known only when every line has a price: a failed request costs nothing, but only a model with a known price
        // makes that a known $0; and no line at all (calls recorded nowhere) is no knowledge either.
        internal static CostRow Of(string name, IReadOnlyList<CostLine> lines) => new(
            name,
            lines.Count(l => !l.Cached && !l.Offline),
            lines.Count(l => l.Cached),
            lines.Count(l => l.Failed),
            lines.Where(l => !l.Cached && !l.Offline).Sum(l => l.PromptTokens),
            lines.Where(l => !l.Cached && !l.Offline).Sum(l => l.CompletionTokens),
            lines.Sum(l => l.CostUsd ?? 0m),
            lines.Count > 0 && lines.All(l => l.CostUsd is not null || (l.Failed && l.Priced)))
        {
            OfflineAnalyses = lines.Count(l => !l.Cached && l.Offline),
            CachedInputTokens = lines.Where(l => !l.Cached && !l.Offline).Sum(l => l.CachedInputTokens),
            CacheWriteTokens = lines.Where(l => !l.Cached && !l.Offline).Sum(l => l.CacheWriteTokens),
        };
    }

    /// <summary>What <c>results/batch_analysis/*.json</c> record: documents analysed, from the cache, and their cost.</summary>
    public sealed record ResultCosts(int Documents, int Cached, decimal KnownUsd, bool Complete)
    {
        internal static ResultCosts Read(string folder)
        {
            if (!Directory.Exists(folder))
            {
                return new ResultCosts(0, 0, 0m, true);
            }

            int documents = 0, cached = 0;
            var usd = 0m;
            var complete = true;
            foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(file));
                if (!json.RootElement.TryGetProperty("processing_metadata", out var meta))
                {
                    continue;
                }

                documents++;
                cached += meta.TryGetProperty("cached", out var c) && c.ValueKind == JsonValueKind.True ? 1 : 0;
                if (meta.TryGetProperty("cost_usd", out var cost) && cost.ValueKind == JsonValueKind.Number)
                {
                    usd += cost.GetDecimal();
                }
                else
                {
                    complete = false;
                }
            }

            return new ResultCosts(documents, cached, usd, complete);
        }
    }

    /// <param name="Offline">An offline model's answer (lexicon, minilm): computed in the process, no provider request.</param>
    internal sealed record CostLine(string Stage, string Model, string Agent, bool Cached, bool Failed, long PromptTokens, long CompletionTokens, decimal? CostUsd, bool Offline = false)
    {
        /// <summary>Whether the model has a price (or needs none: offline), so that a failed request of it is a known $0.</summary>
        public bool Priced { get; init; }

        /// <summary><c>interactive</c> or <c>batch</c>; lines written before modes were recorded are interactive.</summary>
        public string Mode { get; init; } = Models.LlmInteraction.Modes.Interactive;

        public long CachedInputTokens { get; init; }

        public long CacheWriteTokens { get; init; }

        // An interaction line has a model and a prompt hash; other lines of after_finalize.jsonl are ordinary log lines.
        public static CostLine? TryParse(string text, Models.PriceTable prices)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object || String(root, "model") is not { } model || String(root, "prompt_hash") is null)
                {
                    return null;
                }

                var cached = root.TryGetProperty("cached", out var c) && c.ValueKind == JsonValueKind.True;
                return new CostLine(
                    String(root, "caller_stage") ?? NotRecorded,
                    model,
                    String(root, "caller_agent") ?? NotRecorded,
                    cached,
                    String(root, "error") is not null || (!cached && String(root, "answer_hash") is null),
                    Number(root, "prompt_tokens"),
                    Number(root, "completion_tokens"),
                    root.TryGetProperty("cost_usd", out var cost) && cost.ValueKind == JsonValueKind.Number ? cost.GetDecimal() : null,
                    Models.ModelName.IsOffline(String(root, "provider") ?? model))
                {
                    Priced = Models.ModelName.TryParse(model, out var name, out _) && (!name!.IsHosted || prices.Find(name) is not null),
                    Mode = String(root, "mode") ?? Models.LlmInteraction.Modes.Interactive,
                    CachedInputTokens = Number(root, "cached_input_tokens"),
                    CacheWriteTokens = Number(root, "cache_write_tokens"),
                };
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static long Number(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;
    }
}
