using System.Net;
using Discernus.Experiments;
using Discernus.Provenance;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Web;

/// <summary>The pages, the forms (each refused without its antiforgery token) and the files the forms write.</summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ServePagesTests(ServedProjects projects) : IClassFixture<ServedProjects>
{
    private string Code(int position, string coder) => $"/e/{projects.Experiment}/code/{position}?coder={coder}&n=2&seed=7&blind=1";

    [Fact]
    public async Task EveryForm_IsRefusedWithoutItsAntiforgeryToken()
    {
        await using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var goldPath = Path.Combine(projects.Sandbox.ExperimentPath, GoldFile.DefaultFileName);
        var goldBefore = File.Exists(goldPath) ? await File.ReadAllTextAsync(goldPath) : null;
        var runsBefore = Directory.GetDirectories(Path.Combine(projects.Sandbox.ExperimentPath, "runs")).Length;
        var posts = new[]
        {
            ($"/e/{projects.Experiment}/runs", new Dictionary<string, string> { ["model"] = "lexicon" }),
            (Code(1, "ann"), new Dictionary<string, string> { ["score_0"] = "0.5" }),
            ($"/e/{projects.Experiment}/code/1/evidence?coder=ann&n=2&seed=7&blind=1", new Dictionary<string, string> { ["q_0"] = "yes" }),
        };
        foreach (var (url, fields) in posts)
        {
            var response = await Forms.PostAsync(client, url, fields);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} accepted a form without a token: {(int)response.StatusCode}");
        }

        Assert.Equal(goldBefore, File.Exists(goldPath) ? await File.ReadAllTextAsync(goldPath) : null);
        Assert.Equal(runsBefore, Directory.GetDirectories(Path.Combine(projects.Sandbox.ExperimentPath, "runs")).Length);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+cmd|calc")]
    [InlineData("@SUM(1)")]
    [InlineData("a,b")]
    [InlineData("ann\u202Eevil")]
    public async Task CoderNames_FollowTheNameRule_WithAFormError_AndNothingIsWritten(string coder)
    {
        await using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var goldPath = Path.Combine(projects.Sandbox.ExperimentPath, GoldFile.DefaultFileName);
        var goldBefore = File.Exists(goldPath) ? await File.ReadAllTextAsync(goldPath) : null;
        var escaped = Uri.EscapeDataString(coder);

        var home = await client.GetAsync($"/e/{projects.Experiment}/code?coder={escaped}&n=2&seed=7");
        var page = await home.Content.ReadAsStringAsync();
        var valid = await client.GetStringAsync(Code(1, "ann"));
        var post = await Forms.PostAsync(client, $"/e/{projects.Experiment}/code/1?coder={escaped}&n=2&seed=7&blind=1",
            [new("__RequestVerificationToken", Forms.Token(valid, "code-form")), new("score_0", "0.9"), new("score_1", "0.1")]);

        Assert.Equal(HttpStatusCode.BadRequest, home.StatusCode);
        Assert.Contains("id=\"coder-error\"", page);
        Assert.Contains("cannot be used", page);
        Assert.DoesNotContain("\u202E", page);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(goldBefore, File.Exists(goldPath) ? await File.ReadAllTextAsync(goldPath) : null);
    }

    [Fact]
    public async Task RunPage_ListsDocumentsSortable_WithStatisticsChartAndReport()
    {
        await using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var page = await client.GetStringAsync($"/e/{projects.Experiment}/r/{projects.RunId}?sort=dim:positive_sentiment&dir=desc");
        Assert.Contains("Statistics", page);
        Assert.Contains("chart.svg", page);
        var positive = page.IndexOf(">nano_positive_library<", StringComparison.Ordinal);
        var negative = page.IndexOf(">nano_negative_road<", StringComparison.Ordinal);
        Assert.True(positive > 0 && negative > 0, "both documents are listed");
        Assert.True(positive < negative, "sorted by positive_sentiment, descending: the positive remark comes first");
        var ascending = await client.GetStringAsync($"/e/{projects.Experiment}/r/{projects.RunId}?sort=dim:positive_sentiment&dir=asc");
        Assert.True(ascending.IndexOf(">nano_negative_road<", StringComparison.Ordinal) < ascending.IndexOf(">nano_positive_library<", StringComparison.Ordinal));
        var chart = await client.GetAsync($"/e/{projects.Experiment}/r/{projects.RunId}/chart.svg");
        Assert.Equal("image/svg+xml", chart.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task DocumentPage_HighlightsVerifiedEvidence_AndShowsTheExactPromptAndAnswerByHash()
    {
        await using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var manifest = RunFolder.ReadManifest(Path.Combine(projects.RunFolder, RunFolder.ManifestFileName));
        var document = manifest.Documents.Single(d => d.DocumentId == "nano_positive_library");
        var page = WebUtility.HtmlDecode(await client.GetStringAsync($"/e/{projects.Experiment}/r/{projects.RunId}/d/{document.TextSha256}"));
        Assert.Contains("<mark class=\"ev d0\" title=\"positive_sentiment\">", page);
        var text = await File.ReadAllTextAsync(Path.Combine(projects.RunFolder, document.TextAsset));
        // The prompt shown is the stored one: it contains the document text, and the answer is the model's JSON.
        Assert.Contains("<pre class=\"prompt\">", page);
        Assert.Contains(text.Trim().Split('\n')[0].Trim(), page);
        Assert.Contains("dimensional_scores", page);
        Assert.DoesNotContain("does not hold this prompt", page);
    }

    [Fact]
    public async Task Coding_IsBlindUntilSubmitted_SavesTheGoldFile_AndShowsAgreement()
    {
        await using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var blind = await client.GetStringAsync(Code(1, "ann"));
        Assert.DoesNotContain("Model scores", blind);
        var response = await Forms.PostAsync(client, Code(1, "ann"), [new("__RequestVerificationToken", Forms.Token(blind, "code-form")), new("score_0", "0.9"), new("score_1", "0.1")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var revealed = await client.GetStringAsync(Code(1, "ann"));
        Assert.Contains("Model scores", revealed);

        var second = await client.GetStringAsync(Code(2, "ann"));
        await Forms.PostAsync(client, Code(2, "ann"), [new("__RequestVerificationToken", Forms.Token(second, "code-form")), new("score_0", "0.2"), new("score_1", "0.7")]);
        var gold = GoldFile.Parse(await File.ReadAllTextAsync(Path.Combine(projects.Sandbox.ExperimentPath, GoldFile.DefaultFileName)));
        Assert.Empty(gold.Problems);
        Assert.Equal(4, gold.Ratings.Count(r => r.Coder == "ann"));

        // The reader now finds gold.csv by itself, so the next run compares with these codes.
        var report = Discernus.Orchestration.ExperimentValidator.Validate(projects.Sandbox.ExperimentPath, new ExperimentLimits());
        Assert.Equal(4, report.Experiment!.Gold.Count(r => r.Coder == "ann"));

        var agreement = await client.GetStringAsync($"/e/{projects.Experiment}/agreement");
        Assert.Contains("lexicon vs. human coders", agreement);
        Assert.Matches("class=\"num alpha\">-?[0-9]\\.[0-9]{3}<", agreement);
    }

    [Fact]
    public async Task ConcurrentCoders_NeverLoseEachOthersLines()
    {
        var experiment = Discernus.Orchestration.ExperimentValidator.Validate(projects.Sandbox.ExperimentPath, new ExperimentLimits()).Experiment!;
        var goldPath = Discernus.Application.GoldStore.GoldPath(experiment);
        await File.WriteAllTextAsync(goldPath, "document_id,dimension,score,coder,note\nnano_positive_library,positive_sentiment,1,hand,\"kept, with a comma\"\n");
        var stores = new[] { new Discernus.Application.GoldStore(), new Discernus.Application.GoldStore() };
        var saves = Enumerable.Range(0, 40).Select(i => Task.Run(() => stores[i % 2].SaveAsync(experiment,
            [new GoldRating(i % 2 == 0 ? "nano_positive_library" : "nano_negative_road", "negative_sentiment", (i % 10) / 10.0, $"coder{i}")], CancellationToken.None)));
        await Task.WhenAll(saves);
        var text = await File.ReadAllTextAsync(goldPath);
        var parsed = GoldFile.Parse(text);
        Assert.Empty(parsed.Problems);
        Assert.Equal(41, parsed.Ratings.Count);
        Assert.Contains("nano_positive_library,positive_sentiment,1,hand,\"kept, with a comma\"\n", text);
        File.Delete(goldPath);
    }

    [Fact]
    public async Task StartingARunFromThePage_RunsIt_AndStreamsItsProgressToTheEnd()
    {
        await using var factory = new ServeFactory(projects.Options());
        var client = factory.Client();
        var page = await client.GetStringAsync($"/e/{projects.Experiment}");
        var response = await Forms.PostAsync(client, $"/e/{projects.Experiment}/runs",
            [new("__RequestVerificationToken", Forms.Token(page, "start-run")), new("model", "lexicon"), new("runs", "1"), new("concurrency", "2")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var runUrl = response.Headers.Location!.OriginalString;
        using var limit = new CancellationTokenSource(PipelineSandbox.RunLimit);
        using var stream = await client.GetStreamAsync(runUrl + "/events", limit.Token);
        using var reader = new StreamReader(stream);
        string? last = null;
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                last = line;
            }
        }

        Assert.NotNull(last);
        Assert.Contains("\"final\":true", last);
        Assert.Contains("\"status\":\"completed\"", last);
        Assert.Contains("completed", await client.GetStringAsync(runUrl));
    }

    [Fact]
    public async Task StartingARun_AppliesTheCliBudgetRule()
    {
        var environment = new Dictionary<string, string?>(projects.Sandbox.Environment) { ["OPENAI_API_KEY"] = "sk-test-not-used" };
        var experimentFile = Path.Combine(projects.Sandbox.ExperimentPath, "experiment.md");
        var original = await File.ReadAllTextAsync(experimentFile);
        await File.WriteAllTextAsync(experimentFile, original.Replace("grouping:", "budget:\n  max_cost_usd: 0.0000001\ngrouping:", StringComparison.Ordinal));
        try
        {
            await using var factory = new ServeFactory(projects.Options() with { Environment = environment });
            var client = factory.Client();
            var page = await client.GetStringAsync($"/e/{projects.Experiment}");
            var response = await Forms.PostAsync(client, $"/e/{projects.Experiment}/runs",
                [new("__RequestVerificationToken", Forms.Token(page, "start-run")), new("model", "openai/gpt-4o-mini")]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("exceeds budget.max_cost_usd", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        finally
        {
            await File.WriteAllTextAsync(experimentFile, original);
        }
    }
}
