using System.Net;
using Discernus.Tests.Experiments;
using Discernus.Tests.Infrastructure;
using Discernus.Web;
using Discernus.Application;
using Microsoft.Extensions.DependencyInjection;

namespace Discernus.Tests.Web;

/// <summary>
/// `serve` never validates in a request: a projects folder holding a PDF bomb is validated once, in the background,
/// and every GET / after that is served from the result; a changed file is validated again, once. (The seconds and
/// the RSS of ten GET / in a row are measured by bench/hostile.sh.)
/// </summary>
public sealed class ServeValidationCacheTests
{
    [Fact]
    public async Task PdfBombInTheProjectsFolder_IsValidatedOnce_AndEveryRequestIsServedFromTheResult()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        await File.WriteAllBytesAsync(temp.File("corpus/bomb.pdf"), HostileFiles.PdfOfTextLines(600_000));
        temp.Replace("corpus.md", "documents:\n", "documents:\n  - filename: bomb.pdf\n    document_id: bomb\n");
        var options = ServeOptions.For(temp.Sandbox, null, 0, new Dictionary<string, string?>()) with { ValidationFreshness = TimeSpan.Zero };
        await using var factory = new ServeFactory(options);
        var client = factory.Client();
        var cache = factory.Services.GetRequiredService<ValidationCache>();

        var first = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        const string refusal = "page 1 draws more than 200,000 operators";
        await WaitForAsync(async () => (await client.GetStringAsync("/")).Contains(refusal, StringComparison.Ordinal));
        for (var i = 0; i < 10; i++)
        {
            var page = await client.GetStringAsync("/");
            Assert.Contains(refusal, page);
            Assert.Contains("badge invalid", page);
        }

        Assert.Equal(1, cache.Validations);

        // A changed file is looked at in the background and validated once more; requests still never wait for it.
        File.Delete(temp.File("corpus/bomb.pdf"));
        temp.Replace("corpus.md", "  - filename: bomb.pdf\n    document_id: bomb\n", string.Empty);
        await WaitForAsync(async () => (await client.GetStringAsync("/")).Contains("badge valid", StringComparison.Ordinal));
        await WaitForAsync(async () =>
        {
            // Settled: a background check after this request finds nothing new to validate.
            var before = cache.Validations;
            await client.GetStringAsync("/");
            await Task.Delay(200);
            return cache.Validations == before;
        });
        var afterChange = cache.Validations;
        for (var i = 0; i < 10; i++)
        {
            Assert.Contains("badge valid", await client.GetStringAsync("/"));
        }

        // Two edits (the file, then the manifest), each possibly seen half-written: a few validations, and none after.
        Assert.InRange(afterChange, 2, 5);
        await Task.Delay(200);
        Assert.Equal(afterChange, cache.Validations);
    }

    [Fact]
    public async Task FolderNotValidatedYet_IsShownAsBeingValidated_WithinTheRequestBudget()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        // A budget of nothing: the first look never waits, whatever the validation costs.
        var options = ServeOptions.For(temp.Sandbox, null, 0, new Dictionary<string, string?>()) with { RequestBudget = TimeSpan.Zero };
        await using var factory = new ServeFactory(options);
        var client = factory.Client();

        var page = await client.GetStringAsync("/");

        Assert.True(page.Contains("validating…", StringComparison.Ordinal) || page.Contains("badge valid", StringComparison.Ordinal), page);
        await WaitForAsync(async () => (await client.GetStringAsync("/")).Contains("badge valid", StringComparison.Ordinal));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the condition never held within 60 s");
    }
}
