using System.Text;
using System.Text.Json;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Provenance;
using Discernus.Reports;
using Discernus.Statistics;

namespace Discernus.Agents;

/// <summary>Assembles the report of SPEC §7 (Markdown and HTML) from the statistics, the synthesis and the manifest.</summary>
internal sealed class ReportAgent(AgentContext context) : BaseAgent<GenerateReportTask>(context)
{
    public override string Name => nameof(ReportAgent);

    protected override string Stage => StageNames.Report;

    protected override (string RunId, string TaskId) RunAndTask(GenerateReportTask contract) => (contract.RunId, contract.TaskId);

    protected override async Task<string> ExecuteAsync(GenerateReportTask task, CancellationToken cancellationToken)
    {
        var sanitizer = HtmlReportRenderer.StartSanitizer();
        var manifest = JsonSerializer.Deserialize<RunManifest>(await LoadAsync(task.ManifestHash, "manifest", cancellationToken).ConfigureAwait(false), DiscernusJson.Indented)
            ?? throw new AgentFailureException("the manifest snapshot is empty");
        var statistics = CorpusStatistics.FromJson(await LoadTextAsync(task.StatisticsHash, "statistics", cancellationToken).ConfigureAwait(false));
        var synthesis = JsonSerializer.Deserialize<SynthesisResult>(await LoadAsync(task.SynthesisHash, "synthesis", cancellationToken).ConfigureAwait(false), DiscernusJson.Indented)
            ?? throw new AgentFailureException("the synthesis result is empty");
        var synthesisText = await LoadTextAsync(synthesis.SynthesisTextHash, "synthesis text", cancellationToken).ConfigureAwait(false);
        var template = PromptTemplate.Parse(await LoadAsync(task.PromptHash, "report template", cancellationToken).ConfigureAwait(false));

        var dimensions = await DimensionsAsync(manifest, synthesis, cancellationToken).ConfigureAwait(false);
        var texts = Texts(template, manifest);

        var markdown = MarkdownReportBuilder.Build(new ReportInputs
        {
            Manifest = manifest,
            Statistics = statistics,
            Synthesis = synthesisText,
            SynthesisModel = synthesis.Model,
            Evidence = synthesis.Evidence,
            Dimensions = dimensions,
            Hypotheses = synthesis.Hypotheses,
            ModelVersions = synthesis.ModelVersions,
            NoSignal = synthesis.NoSignal,
            Texts = texts,
        });
        // Quotes and model-written text reach report.md too: neutralised there as the HTML report does.
        markdown = MarkdownSafety.Neutralise(markdown);
        var (fitted, html, cut) = ReportSizeLimit.Fit(markdown, text => HtmlReportRenderer.Render(text, statistics, texts.Title, sanitizer), Context.MaxReportBytes);
        if (cut)
        {
            Log(task.RunId, "warning", $"the report was cut to its first sections to stay under {Context.MaxReportBytes:N0} bytes ({ReportSizeLimit.Setting})");
        }

        markdown = fitted;
        var markdownHash = await Context.Store.PutAsync(Encoding.UTF8.GetBytes(markdown), cancellationToken).ConfigureAwait(false);
        var htmlHash = await Context.Store.PutAsync(Encoding.UTF8.GetBytes(html), cancellationToken).ConfigureAwait(false);
        return await StoreJsonAsync(new ReportResult(markdownHash, htmlHash), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The framework's dimensions with their descriptions, and why any could not be scored.</summary>
    private async Task<List<DimensionDescription>> DimensionsAsync(RunManifest manifest, SynthesisResult synthesis, CancellationToken cancellationToken)
    {
        var dimensions = new List<DimensionDescription>();
        if (manifest.Framework is { } frameworkEntry)
        {
            var text = await LoadTextAsync(frameworkEntry.Sha256, "framework", cancellationToken).ConfigureAwait(false);
            var framework = ExperimentReader.ParseFramework(text, frameworkEntry.File, manifest.Models?.AnalysisVariant ?? "default", out _);
            dimensions.AddRange((framework?.Dimensions ?? []).Select(d =>
                new DimensionDescription(d.Name, d.Description?.Trim(), synthesis.NotScorable.GetValueOrDefault(d.Name))));
        }

        return dimensions;
    }

    /// <summary>The report's headings and notes, from its template.</summary>
    private static ReportTexts Texts(PromptTemplate template, RunManifest manifest) =>
        new ReportTexts(
            PromptTemplate.Fill(template.Raw("title"), new Dictionary<string, string> { ["experiment_name"] = manifest.Experiment.Name }),
            template.Nested("sections", "executive_summary"),
            template.Nested("sections", "methodology"),
            template.Nested("sections", "detailed_findings"),
            template.Nested("sections", "group_comparisons"),
            template.Nested("sections", "correlations"),
            template.Nested("sections", "synthesis"),
            template.Nested("sections", "failures"),
            template.Nested("sections", "appendix"),
            template.Nested("sections", "reliability"),
            template.Nested("sections", "hypotheses"),
            template.Nested("texts", "hypotheses_note"),
            template.Nested("texts", "no_signal"),
            template.Nested("sections", "key_findings"),
            OfflineBaselineNote(template, manifest.Models?.Names ?? []),
            template.Nested("texts", "unverified_numbers"),
            template.Nested("texts", "evidence_note"),
            template.Nested("texts", "not_scorable"))
        {
            DeterministicRuns = template.Nested("texts", "deterministic_runs"),
            IdenticalRuns = template.Nested("texts", "identical_runs"),
            BatchRetries = template.Nested("sections", "batch_retries"),
            BatchRetriesNote = template.Nested("texts", "batch_retries"),
        };

    // One notice for the report, naming each offline baseline of the run once (runs and repeats do not repeat it):
    // lexicon counts marker phrases, minilm compares sentence embeddings.
    private static string OfflineBaselineNote(PromptTemplate template, IReadOnlyList<string> models)
    {
        var providers = models.Select(m => ModelName.TryParse(m, out var name, out _) ? name.Provider : ModelProvider.Lexicon).ToList();
        var entries = new List<string>();
        if (providers.Count == 0 || providers.Contains(ModelProvider.Lexicon))
        {
            entries.Add(template.Nested("texts", "offline_lexicon"));
        }

        if (providers.Contains(ModelProvider.MiniLM))
        {
            entries.Add(template.Nested("texts", "offline_minilm"));
        }

        return template.Nested("texts", "offline_baseline").Replace("{{models}}", string.Join(" and ", entries), StringComparison.Ordinal);
    }
}
