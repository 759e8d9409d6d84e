using System.Globalization;
using System.Text;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Faults;

/// <summary>
/// An experiment of any size: the nano example's experiment and framework with a corpus of N documents, each the text
/// of one of nano's two remarks plus a line of its own (so content addressing cannot fold two documents into one).
/// </summary>
internal static class SyntheticExperiment
{
    public static string Create(string parentFolder, string name, int documents)
    {
        var source = TestPaths.Project("nano");
        var folder = Path.Combine(parentFolder, name);
        Directory.CreateDirectory(Path.Combine(folder, "corpus"));
        File.Copy(Path.Combine(source, "experiment.md"), Path.Combine(folder, "experiment.md"));
        File.Copy(Path.Combine(source, "framework.md"), Path.Combine(folder, "framework.md"));
        var texts = Directory.GetFiles(Path.Combine(source, "corpus"), "*.txt").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var manifest = new StringBuilder()
            .AppendLine("# Synthetic corpus")
            .AppendLine()
            .AppendLine("Copies of the nano remarks, each with a line of its own, for fault tests.")
            .AppendLine()
            .AppendLine("```yaml")
            .AppendLine(CultureInfo.InvariantCulture, $"name: {name}")
            .AppendLine("version: \"1.0\"")
            .AppendLine(CultureInfo.InvariantCulture, $"total_documents: {documents}")
            .AppendLine("documents:");
        for (var i = 0; i < documents; i++)
        {
            var file = string.Create(CultureInfo.InvariantCulture, $"doc_{i:D5}.txt");
            File.WriteAllText(Path.Combine(folder, "corpus", file), $"{texts[i % texts.Length]}\nSynthetic copy {i} of {name}.\n");
            manifest.AppendLine(CultureInfo.InvariantCulture, $"  - filename: {file}")
                .AppendLine(CultureInfo.InvariantCulture, $"    document_id: {name}_{i:D5}")
                .AppendLine(CultureInfo.InvariantCulture, $"    metadata: {{tone: \"{(i % 2 == 0 ? "positive" : "negative")}\"}}");
        }

        manifest.AppendLine("```");
        File.WriteAllText(Path.Combine(folder, "corpus.md"), manifest.ToString());
        return folder;
    }
}
