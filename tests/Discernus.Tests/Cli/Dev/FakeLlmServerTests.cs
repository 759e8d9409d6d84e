using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Discernus.FakeLlm;
using Discernus.Models;
using Discernus.Tests.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Cli.Dev;

/// <summary>
/// The simulated provider of `discernus dev fake-llm` over real HTTP: valid analysis answers with verbatim evidence,
/// 429 with Retry-After above its concurrency, injected 5xx and malformed answers, and GET /stats counting them.
/// </summary>
public sealed class FakeLlmServerTests
{
    private const string Document = "We hope for a better future for every family. They fear the danger that is coming. The meeting ended at nine.";

    private static readonly string AnalysisPrompt =
        "Apply the analytical framework below.\n\nDimensions to score (use exactly these names): hope, fear\n\n" +
        $"=== DOCUMENT: speech.txt ===\n{Document}\n=== END OF DOCUMENT ===\n\nAnswer with one JSON object.";

    [Fact]
    public async Task AnalysisPrompt_GetsAnAnswerValidForTheFramework_WithVerbatimEvidence()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero });
        using var http = new HttpClient();

        var answer = await CompleteAsync(http, server, AnalysisPrompt);

        var validation = AnalysisAnswerValidator.Validate(answer.Text, ModelsTestData.HopeFearFramework(), allowNotScorable: false);
        Assert.True(validation.IsValid, string.Join("; ", validation.Problems));
        var evidence = validation.Analysis!.Dimensions.SelectMany(d => d.Evidence).ToList();
        Assert.NotEmpty(evidence);
        Assert.All(evidence, quote => Assert.True(EvidenceVerifier.IsVerified(quote, Document), $"'{quote}' is not in the document"));
        Assert.True(answer.PromptTokens > 0 && answer.CompletionTokens > 0);
        // The same prompt always gets the same answer.
        Assert.Equal(answer.Text, (await CompleteAsync(http, server, AnalysisPrompt)).Text);
    }

    [Fact]
    public async Task OtherPrompts_GetPlainText()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero });
        using var http = new HttpClient();

        var answer = await CompleteAsync(http, server, "=== STATISTICS ===\n{}\nInterpret these statistics.");

        Assert.Equal(FakeLlmAnswers.SynthesisText, answer.Text);
    }

    [Fact]
    public async Task RequestsBeyondTheConcurrency_Get429WithRetryAfter_AndStatsCountThem()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.FromMilliseconds(800), Concurrency = 2 });
        using var http = new HttpClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PostAsync(http, server, $"{AnalysisPrompt} {i}")));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(4, limited.Count);
        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(limited, r =>
        {
            Assert.Equal("1", r.Headers.GetValues("Retry-After").Single());
            Assert.Equal("800", r.Headers.GetValues("retry-after-ms").Single());
        });
        var stats = await http.GetFromJsonAsync<JsonObject>(new Uri(server.BaseUrl, "/stats"));
        Assert.Equal(6, (long)stats!["requests"]!);
        Assert.Equal(4, (long)stats["rate_limited"]!);
        Assert.Equal(2, (long)stats["completions"]!);
        Assert.Equal(2, (long)stats["max_concurrent"]!);
        Assert.Equal(0, (long)stats["in_flight"]!);
    }

    [Fact]
    public async Task ErrorRateOne_AnswersEveryRequestWithA5xx()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, ErrorRate = 1 });
        using var http = new HttpClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => PostAsync(http, server, AnalysisPrompt)));

        Assert.All(responses, r => Assert.True((int)r.StatusCode is 500 or 503, $"status {(int)r.StatusCode}"));
        Assert.Equal(10, server.Stats.ServerErrors);
        Assert.Equal(0, server.Stats.Completions);
    }

    [Fact]
    public async Task RateLimitRate_Answers429WithRetryAfter_ForASeededShareOfRequests_WellBelowTheConcurrency()
    {
        var options = new FakeLlmOptions { Latency = TimeSpan.FromMilliseconds(20), RateLimitRate = 0.2, Seed = 7 };
        await using var server = await FakeLlmServer.StartAsync(options);
        using var http = new HttpClient();

        // One request at a time: the concurrency (64) is never reached, so every 429 is the set rate's.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await PostAsync(http, server, $"{AnalysisPrompt} {i}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
            }
        }

        var limited = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        Assert.InRange(limited, 25, 55);
        Assert.Equal(200 - limited, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(limited, server.Stats.RateLimited);
        Assert.Equal(1, server.Stats.MaxConcurrent);

        // The same seed draws the same requests again.
        await using var again = await FakeLlmServer.StartAsync(options);
        var repeated = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await PostAsync(http, again, $"{AnalysisPrompt} {i}");
            repeated.Add(response.StatusCode);
        }

        Assert.Equal(statuses, repeated);
    }

    [Fact]
    public async Task MalformedRateOne_GivesAnswersTheValidatorRejects()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, MalformedRate = 1 });
        using var http = new HttpClient();

        for (var i = 0; i < 4; i++)
        {
            var answer = await CompleteAsync(http, server, AnalysisPrompt);
            Assert.False(AnalysisAnswerValidator.Validate(answer.Text, ModelsTestData.HopeFearFramework(), allowNotScorable: false).IsValid, answer.Text);
        }

        Assert.Equal(4, server.Stats.Malformed);
    }

    [Fact]
    public async Task TheGatewaysAdaptiveConcurrency_BacksOffToTheProvidersLimit()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.FromMilliseconds(100), Concurrency = 4 });
        using var gateway = new ModelGateway(
            ModelSettings.FromValues(new Dictionary<string, string?>
            {
                [OpenAICompatibleProvider.BaseUrlName] = server.BaseUrl.ToString(),
                [ModelSettings.MaxRetriesVariable] = "20",
            }),
            new ModelGatewayOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromSeconds(1) });
        using var client = gateway.CreateClient("openai-compatible/fake");

        var answers = await Task.WhenAll(Enumerable.Range(0, 96).Select(i => client.GetResponseAsync($"{AnalysisPrompt} {i}")));

        Assert.All(answers, a => Assert.Contains("dimensional_scores", a.Text));
        var limiter = gateway.ConcurrencyOf(ModelName.Parse("openai-compatible/fake"))!;
        Assert.True(limiter.Decreases >= 2, $"the limit was halved {limiter.Decreases} time(s)");
        Assert.InRange(limiter.Limit, 1, 8);
        Assert.Equal(96, server.Stats.Completions);
        Assert.InRange(server.Stats.MaxConcurrent, 1, 4);
    }

    [Fact]
    public async Task ALongSystemPrefixSeenBefore_IsReportedAsCachedTokens_LikeOpenAI()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero });
        using var gateway = new ModelGateway(ModelSettings.FromValues(new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.BaseUrl.ToString(),
        }));
        using var client = gateway.CreateClient("openai-compatible/fake");
        var longPrefix = "You apply a framework. " + string.Concat(Enumerable.Repeat("The framework defines hope and fear at length. ", 120));
        var shortPrefix = "Be brief.";

        ChatMessage[] Request(string system, int document) => [new(ChatRole.System, system), new(ChatRole.User, $"document {document}")];
        var first = await client.GetResponseAsync(Request(longPrefix, 1));
        var second = await client.GetResponseAsync(Request(longPrefix, 2));
        var shortFirst = await client.GetResponseAsync(Request(shortPrefix, 1));
        var shortSecond = await client.GetResponseAsync(Request(shortPrefix, 2));

        Assert.Equal(0, first.Usage?.CachedInputTokenCount ?? 0);
        var cached = second.Usage?.CachedInputTokenCount ?? 0;
        Assert.True(cached >= FakeLlmServer.MinimumCachedPrefix && cached % 128 == 0 && cached <= second.Usage!.InputTokenCount, $"cached {cached} of {second.Usage?.InputTokenCount}");
        // Below the provider's minimum a prefix is never cached.
        Assert.Equal(0, shortFirst.Usage?.CachedInputTokenCount ?? 0);
        Assert.Equal(0, shortSecond.Usage?.CachedInputTokenCount ?? 0);
        Assert.Equal(1, server.Stats.PromptCacheHits);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, FakeLlmServer server, string prompt) =>
        http.PostAsJsonAsync(new Uri(server.BaseUrl + "/chat/completions"), new
        {
            model = "fake",
            messages = new[] { new { role = "user", content = prompt } },
        });

    private static async Task<(string Text, int PromptTokens, int CompletionTokens)> CompleteAsync(HttpClient http, FakeLlmServer server, string prompt)
    {
        using var response = await PostAsync(http, server, prompt);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        return (root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!,
            root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(),
            root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }
}
