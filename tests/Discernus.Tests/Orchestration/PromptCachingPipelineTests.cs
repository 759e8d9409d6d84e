using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// The analysis requests of a run are laid out for the providers' prompt caches: everything the documents share comes
/// first, byte for byte the same in every request of the run, and the document last. Captured from real runs against
/// the loopback fake server in both wire formats: the prefix before the document text has one hash per framework ×
/// variant; Anthropic requests mark the end of the system prompt with <c>cache_control</c>; and the interaction log
/// records the cached input tokens the provider reported.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class PromptCachingPipelineTests
{
    private const int Documents = 6;
    private const int PromptTokens = 1000;
    private const int CachedTokens = 768;
    private const string DocumentMarker = "=== DOCUMENT:";

    public static TheoryData<string> Protocols => new() { "openai", "anthropic" };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task EveryRequestOfARun_SharesOnePrefixBeforeTheDocument_OnePerFrameworkAndVariant(string protocol)
    {
        await using var server = FakeModelServer.Start();
        var seen = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        server.Handler = request =>
        {
            if (ScriptedAnalysisAnswers.IsSynthesis(request))
            {
                return FakeModelServerResponse.Answer("The statistics speak for themselves.");
            }

            // A provider's cache: the first request with a prefix writes it, every later one reads it.
            var hit = !seen.TryAdd(PrefixHash(request), 0);
            return new FakeModelServerResponse
            {
                Text = ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)),
                PromptTokens = PromptTokens,
                CompletionTokens = 40,
                CachedPromptTokens = hit ? CachedTokens : 0,
                CacheWriteTokens = !hit && protocol == "anthropic" ? CachedTokens : 0,
            };
        };

        var prefixes = new List<string>();
        foreach (var (label, edit) in new (string, Action<PipelineSandbox>)[]
                 {
                     ("framework as shipped, default variant", _ => { }),
                     ("framework as shipped, strict variant", UseStrictVariant),
                     ("framework edited, default variant", sandbox => sandbox.Experiment.Replace("framework.md", "Approval, praise, gratitude", "Approval, praise, thanks, gratitude")),
                 })
        {
            var before = server.Requests.Count;
            using var sandbox = Sandbox(protocol, server);
            SyntheticCorpus.Write(sandbox.ExperimentPath, Documents);
            edit(sandbox);

            var run = await sandbox.RunAsync("--model", Model(protocol));

            Assert.True(run.ExitCode == 0, $"{label}: exit {run.ExitCode}\n{run.Output}");
            var analyses = server.Requests.Skip(before).Where(r => !ScriptedAnalysisAnswers.IsSynthesis(r)).ToList();
            Assert.Equal(Documents, analyses.Count);
            var hashes = analyses.Select(PrefixHash).Distinct().ToList();
            Assert.True(hashes.Count == 1, $"{label}: {hashes.Count} distinct prefixes in one run");
            prefixes.Add(hashes[0]);
            if (protocol == "anthropic")
            {
                Assert.All(analyses, AssertSystemPromptEndsWithCacheBreakpoint);
            }

            // The log has what the provider reported: one miss (an Anthropic cache write), then reads.
            var lines = Interactions(run.Folder).Where(l => (string?)l["caller_stage"] == "batch_analysis").ToList();
            Assert.Equal(Documents, lines.Count);
            Assert.All(lines, l => Assert.Equal(PromptTokens, l["prompt_tokens"]!.GetValue<long>()));
            var reads = lines.Count(l => l["cached_input_tokens"]?.GetValue<long>() == CachedTokens);
            Assert.Equal(Documents - 1, reads);
            // Cached tokens are billed at the cached rate (per million: gpt-4o-mini 0.15 in, 0.075 cached, 0.60 out;
            // claude-3-5-haiku 0.80 in, 0.08 cache read, 1.00 cache write, 4.00 out).
            var (readCost, missCost) = protocol == "anthropic"
                ? ((232 * 0.80m) + (768 * 0.08m) + (40 * 4.00m), (232 * 0.80m) + (768 * 1.00m) + (40 * 4.00m))
                : ((232 * 0.15m) + (768 * 0.075m) + (40 * 0.60m), (1000 * 0.15m) + (40 * 0.60m));
            Assert.Equal(((reads * readCost) + ((Documents - reads) * missCost)) / 1_000_000m, lines.Sum(l => l["cost_usd"]!.GetValue<decimal>()));
            Assert.All(lines, l => Assert.Equal("interactive", (string?)l["mode"]));

            // `discernus costs` bills by mode from the same usage fields: one interactive row, its cached tokens counted.
            var costs = new Discernus.Tests.Cli.CliHarness(sandbox.Environment);
            Assert.Equal(0, await costs.RunAsync("costs", run.Folder, "--format", "json"));
            var byMode = Assert.Single(JsonNode.Parse(costs.Out.ToString())!["by_mode"]!.AsArray())!;
            Assert.Equal("interactive", (string?)byMode["name"]);
            Assert.Equal(reads * CachedTokens, byMode["cached_input_tokens"]!.GetValue<long>());
            Assert.Equal(Documents + 1, byMode["requests"]!.GetValue<long>());
            if (protocol == "anthropic")
            {
                Assert.Equal(Documents - reads, lines.Count(l => l["cache_write_tokens"]?.GetValue<long>() == CachedTokens));
            }
        }

        Assert.Equal(3, prefixes.Distinct().Count());
    }

    private static string Model(string protocol) => protocol == "anthropic" ? "anthropic/claude-3-5-haiku" : "openai/gpt-4o-mini";

    private static PipelineSandbox Sandbox(string protocol, FakeModelServer server) => PipelineSandbox.Of("nano", protocol == "anthropic"
        ? new Dictionary<string, string?> { ["ANTHROPIC_API_KEY"] = "sk-ant-test-cache", ["ANTHROPIC_BASE_URL"] = server.AnthropicBaseUrl.ToString(), ["DISCERNUS_MODEL_MAX_RETRIES"] = "0" }
        : new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-test-cache", ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl.ToString(), ["DISCERNUS_MODEL_MAX_RETRIES"] = "0" });

    private static void UseStrictVariant(PipelineSandbox sandbox)
    {
        sandbox.Experiment.Replace("framework.md", "analysis_variants:\n  default:\n", "analysis_variants:\n  strict:\n    description: \"Only explicit sentiment.\"\n    analysis_prompt: |\n      Score only sentiment the speaker states outright.\n  default:\n");
        sandbox.Experiment.Replace("experiment.md", "  corpus: corpus.md\n", "  corpus: corpus.md\nanalysis_variant: strict\n");
    }

    /// <summary>
    /// SHA-256 of everything the provider reads before the document text, in the order it reads it: for Anthropic the
    /// system blocks, then the messages; for OpenAI the messages. Model and options are part of the prefix too.
    /// </summary>
    private static string PrefixHash(FakeModelServerRequest request)
    {
        var text = string.Join("\u0000", request.MessageTexts);
        var at = text.IndexOf(DocumentMarker, StringComparison.Ordinal);
        Assert.True(at > 0, "an analysis request without the document marker");
        var head = request.Json(root =>
        {
            var copy = JsonNode.Parse(root.GetRawText())!.AsObject();
            copy.Remove("messages");
            copy.Remove("system");
            return copy.ToJsonString();
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(head + "\u0000" + text[..at])));
    }

    private static void AssertSystemPromptEndsWithCacheBreakpoint(FakeModelServerRequest request)
    {
        var system = request.Json(root => JsonNode.Parse(root.GetProperty("system").GetRawText())!.AsArray())!;
        Assert.Equal("ephemeral", (string?)system[^1]!["cache_control"]?["type"]);
        Assert.Contains("=== FRAMEWORK:", (string?)system[^1]!["text"]);
        Assert.DoesNotContain(DocumentMarker, (string?)system[^1]!["text"]);
    }

    private static List<JsonObject> Interactions(string runFolder) =>
        File.ReadAllLines(Path.Combine(runFolder, "logs", "llm_interactions.jsonl"))
            .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
}
