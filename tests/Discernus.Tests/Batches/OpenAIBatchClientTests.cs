using System.Text;
using System.Text.Json.Nodes;
using Discernus.Batches;
using Discernus.FakeLlm;

namespace Discernus.Tests.Batches;

/// <summary>The batch client against the simulated provider's Files and Batch API (a real HTTP server on loopback).</summary>
public sealed class OpenAIBatchClientTests
{
    private static byte[] RequestFile(params string[] ids) => Encoding.UTF8.GetBytes(string.Concat(ids.Select(id => new JsonObject
    {
        ["custom_id"] = id,
        ["method"] = "POST",
        ["url"] = "/v1/chat/completions",
        ["body"] = new JsonObject { ["model"] = "fake", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Say something." }) },
    }.ToJsonString() + "\n")));

    [Fact]
    public async Task ABatch_IsInProgressUntilItsDelay_ThenCompletedWithAnAnswerPerLine_AndCounted()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.FromMilliseconds(400) });
        using var client = new OpenAIBatchClient(server.BaseUrl, "sk-test", TimeProvider.System);

        var requests = RequestFile("t1", "t2", "t3");
        var file = await client.UploadAsync(requests, "requests.jsonl", CancellationToken.None);
        var created = await client.CreateAsync(file, requests, new Dictionary<string, string> { ["discernus_run"] = "r1" }, CancellationToken.None);

        Assert.Equal("in_progress", created.Status);
        Assert.Equal(file, created.InputFileId);
        Assert.Contains((await client.ListAsync(CancellationToken.None)), b => b.Id == created.Id);
        await Task.Delay(500);
        var done = await client.GetAsync(created.Id, CancellationToken.None);
        Assert.Equal("completed", done.Status);
        Assert.Equal(3, done.Completed);
        var lines = Encoding.UTF8.GetString(await client.DownloadAsync(done.OutputFileId!, CancellationToken.None))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["t1", "t2", "t3"], lines.Select(l => (string?)l["custom_id"]));
        Assert.All(lines, l => Assert.Equal(FakeLlmAnswers.SynthesisText, (string?)l["response"]!["body"]!["choices"]![0]!["message"]!["content"]));
        Assert.Equal(1, server.Stats.BatchSubmissions);
        Assert.Equal(1, server.Stats.BatchFileUploads);
        Assert.Equal(3, server.Stats.BatchLines);
        Assert.Equal(0, server.Stats.Requests);
    }

    [Fact]
    public async Task AnExpiredBatch_AnswersHalf_AndPutsTheRestInItsErrorFile()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.Zero, BatchExpires = true });
        using var client = new OpenAIBatchClient(server.BaseUrl, null, TimeProvider.System);

        var requests = RequestFile("a", "b", "c", "d");
        var created = await client.CreateAsync(await client.UploadAsync(requests, "r.jsonl", CancellationToken.None), requests, new Dictionary<string, string>(), CancellationToken.None);
        var done = await client.GetAsync(created.Id, CancellationToken.None);

        Assert.Equal("expired", done.Status);
        Assert.Equal((2, 2), (done.Completed, done.Failed));
        var errors = Encoding.UTF8.GetString(await client.DownloadAsync(done.ErrorFileId!, CancellationToken.None));
        Assert.Contains("batch_expired", errors);
        Assert.Contains("\"c\"", errors);
    }

    [Fact]
    public async Task AnUnknownBatch_IsAnErrorNamingTheCall_NotRetriedForever()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero });
        using var client = new OpenAIBatchClient(server.BaseUrl, "sk-secret-batch-key", TimeProvider.System);

        var error = await Assert.ThrowsAsync<BatchApiException>(() => client.GetAsync("batch-missing", CancellationToken.None));

        Assert.Equal(404, error.Status);
        Assert.False(error.IsTransient);
        Assert.Contains("batch-missing", error.Message);
        Assert.DoesNotContain("sk-secret-batch-key", error.Message);
    }
}
