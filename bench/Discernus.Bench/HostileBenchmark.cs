using System.Diagnostics;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Offline.Lexicon;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.AI;

/// <summary>
/// The hostile inputs of issue 14, one per process so that bench/hostile.sh can read each one's peak RSS:
/// <c>hostile pdf-lines | pdf-air | lexicon-single-line MB | lexicon-multi-line</c> prints the case, its outcome and the seconds it took;
/// <c>hostile experiment CASE DIR</c> writes a copy of projects/nano holding the hostile input (pdf-lines, pdf-air,
/// single-line, metadata, dimensions) for the CLI and serve to be measured on.
/// </summary>
internal static class HostileBenchmark
{
    public static async Task<int> RunAsync(string root, string[] args)
    {
        if (args[0] == "experiment")
        {
            return MakeExperiment(root, args[1], args[2]);
        }

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
            case "lexicon-multi-line":
                // The same prose, one sentence per line (the 19 MB multi-line document was killed at 180 s).
                outcome = await LexiconAsync(root, HostileFiles.SingleLineDocument(19_000_000).Replace(". ", ".\n", StringComparison.Ordinal), watch);
                break;
            default:
                Console.Error.WriteLine($"unknown hostile case '{args[0]}'");
                return 2;
        }

        Console.WriteLine($"{args[0]}\t{outcome}\t{watch.Elapsed.TotalSeconds:F2}");
        return 0;
    }

    private static int MakeExperiment(string root, string kind, string directory)
    {
        var source = Path.Combine(root, "projects", "nano");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}runs{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        var corpus = Path.Combine(directory, "corpus.md");
        void AddDocument(string name, byte[] bytes)
        {
            File.WriteAllBytes(Path.Combine(directory, "corpus", name), bytes);
            File.WriteAllText(corpus, File.ReadAllText(corpus).Replace("documents:\n", $"documents:\n  - filename: {name}\n    document_id: hostile\n", StringComparison.Ordinal));
        }

        switch (kind)
        {
            case "pdf-lines":
                AddDocument("lines.pdf", HostileFiles.PdfOfTextLines(600_000));
                break;
            case "pdf-air":
                AddDocument("air.pdf", HostileFiles.PdfInflatingTo(1L << 30));
                break;
            case "single-line":
                AddDocument("line.txt", System.Text.Encoding.UTF8.GetBytes(HostileFiles.SingleLineDocument(19_000_000)));
                break;
            case "metadata":
                File.WriteAllText(corpus, File.ReadAllText(corpus).Replace("      topic: library", $"      topic: \"{new string('x', 1_000_000)}\"", StringComparison.Ordinal));
                break;
            case "dimensions":
                var framework = Path.Combine(directory, "framework.md");
                var text = File.ReadAllText(framework);
                var dimensions = new System.Text.StringBuilder("dimensions:\n");
                for (var i = 0; i < 500; i++)
                {
                    dimensions.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - name: dimension_{i}\n    description: \"Dimension {i}.\"\n    markers:\n      positive_examples: [\"word{i}\"]\n");
                }

                var start = text.IndexOf("\ndimensions:\n", StringComparison.Ordinal) + 1;
                var end = text.IndexOf("\nderived_metrics:", StringComparison.Ordinal) + 1;
                File.WriteAllText(framework, text[..start] + dimensions + text[end..]);
                break;
            default:
                Console.Error.WriteLine($"unknown hostile experiment '{kind}'");
                return 2;
        }

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
