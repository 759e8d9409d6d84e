using System.Diagnostics;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.AI;

/// <summary>
/// The hostile inputs of issue 14, one per process so that bench/hostile.sh can read each one's peak RSS:
/// <c>hostile pdf-lines | pdf-air | lexicon-single-line MB</c>. Prints the case, its outcome and the seconds it took.
/// </summary>
internal static class HostileBenchmark
{
    public static async Task<int> RunAsync(string root, string[] args)
    {
        var watch = Stopwatch.StartNew();
        string outcome;
        switch (args[0])
        {
            case "pdf-lines":
                outcome = Pdf(HostileFiles.PdfOfTextLines(600_000), watch);
                break;
            case "pdf-air":
                outcome = Pdf(HostileFiles.PdfInflatingTo(1L << 30), watch);
                break;
            case "lexicon-single-line":
                var megabytes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 19;
                outcome = await LexiconAsync(root, HostileFiles.SingleLineDocument(megabytes * 1_000_000), watch);
                break;
            default:
                Console.Error.WriteLine($"unknown hostile case '{args[0]}'");
                return 2;
        }

        Console.WriteLine($"{args[0]}\t{outcome}\t{watch.Elapsed.TotalSeconds:F2}");
        return 0;
    }

    /// <summary>Times the extraction alone (making the bomb is not the reader's cost).</summary>
    private static string Pdf(byte[] bomb, Stopwatch watch)
    {
        watch.Restart();
        var text = DocumentTextExtractor.Extract("bomb.pdf", bomb, new ExperimentLimits());
        return text.Succeeded ? $"accepted ({text.Text!.Length:N0} characters)" : $"{text.ProblemCode}: {text.Problem}";
    }

    /// <summary>What batch analysis does per document with the lexicon: the answer, its validation and the quotes' verification.</summary>
    private static async Task<string> LexiconAsync(string root, string document, Stopwatch watch)
    {
        var framework = new ExperimentReader().Read(Path.Combine(root, "projects", "nano")).Experiment!.Framework;
        watch.Restart();
        using var lexicon = new LexiconChatClient();
        var options = new ChatOptions
        {
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [LexiconInputs.Task] = LexiconInputs.AnalysisTask,
                [LexiconInputs.Framework] = framework,
                [LexiconInputs.DocumentText] = document,
            },
        };
        var answer = (await lexicon.GetResponseAsync([new ChatMessage(ChatRole.User, "analyse")], options)).Text;
        var result = AnalysisAnswerValidator.Validate(answer, framework, allowNotScorable: true);
        var verified = result.Analysis!.Dimensions.SelectMany(d => d.Evidence).Count(q => EvidenceVerifier.IsVerified(q, document));
        return $"analysed {document.Length:N0} characters, {verified} verified quotes";
    }
}
