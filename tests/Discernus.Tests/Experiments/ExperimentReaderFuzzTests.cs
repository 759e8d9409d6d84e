using Discernus.Experiments;

namespace Discernus.Tests.Experiments;

/// <summary>
/// Mutated specification files must always give findings, never an exception: a researcher's typo is never a stack
/// trace. Deterministic (fixed seed), so a failure reproduces.
/// </summary>
public sealed class ExperimentReaderFuzzTests
{
    private const string YamlSpecials = ":-[]{}&*!|>'\"%@`#,?\t \n";

    [Theory]
    [InlineData("experiment.md", 10)]
    [InlineData("framework.md", 10)]
    [InlineData("corpus.md", 10)]
    [InlineData("experiment.md", 11)]
    [InlineData("framework.md", 11)]
    [InlineData("corpus.md", 11)]
    [InlineData("experiment.md", 12)]
    [InlineData("framework.md", 12)]
    [InlineData("corpus.md", 12)]
    [InlineData("experiment.md", 13)]
    [InlineData("framework.md", 13)]
    [InlineData("corpus.md", 13)]
    [InlineData("experiment.md", 14)]
    [InlineData("framework.md", 14)]
    [InlineData("corpus.md", 14)]
    [InlineData("experiment.md", 15)]
    [InlineData("framework.md", 15)]
    [InlineData("corpus.md", 15)]
    [InlineData("experiment.md", 16)]
    [InlineData("framework.md", 16)]
    [InlineData("corpus.md", 16)]
    [InlineData("experiment.md", 17)]
    [InlineData("framework.md", 17)]
    [InlineData("corpus.md", 17)]
    [InlineData("experiment.md", 18)]
    [InlineData("framework.md", 18)]
    [InlineData("corpus.md", 18)]
    [InlineData("experiment.md", 19)]
    [InlineData("framework.md", 19)]
    [InlineData("corpus.md", 19)]
    [InlineData("experiment.md", 20)]
    [InlineData("framework.md", 20)]
    [InlineData("corpus.md", 20)]
    [InlineData("experiment.md", 21)]
    [InlineData("framework.md", 21)]
    [InlineData("corpus.md", 21)]
    [InlineData("experiment.md", 22)]
    [InlineData("framework.md", 22)]
    [InlineData("corpus.md", 22)]
    [InlineData("experiment.md", 23)]
    [InlineData("framework.md", 23)]
    [InlineData("corpus.md", 23)]
    [InlineData("experiment.md", 24)]
    [InlineData("framework.md", 24)]
    [InlineData("corpus.md", 24)]
    [InlineData("experiment.md", 25)]
    [InlineData("framework.md", 25)]
    [InlineData("corpus.md", 25)]
    [InlineData("experiment.md", 26)]
    [InlineData("framework.md", 26)]
    [InlineData("corpus.md", 26)]
    [InlineData("experiment.md", 27)]
    [InlineData("framework.md", 27)]
    [InlineData("corpus.md", 27)]
    [InlineData("experiment.md", 28)]
    [InlineData("framework.md", 28)]
    [InlineData("corpus.md", 28)]
    [InlineData("experiment.md", 29)]
    [InlineData("framework.md", 29)]
    [InlineData("corpus.md", 29)]
    [InlineData("experiment.md", 30)]
    [InlineData("framework.md", 30)]
    [InlineData("corpus.md", 30)]
    [InlineData("experiment.md", 31)]
    [InlineData("framework.md", 31)]
    [InlineData("corpus.md", 31)]
    [InlineData("experiment.md", 32)]
    [InlineData("framework.md", 32)]
    [InlineData("corpus.md", 32)]
    [InlineData("experiment.md", 33)]
    [InlineData("framework.md", 33)]
    [InlineData("corpus.md", 33)]
    [InlineData("experiment.md", 34)]
    [InlineData("framework.md", 34)]
    [InlineData("corpus.md", 34)]
    [InlineData("experiment.md", 35)]
    [InlineData("framework.md", 35)]
    [InlineData("corpus.md", 35)]
    [InlineData("experiment.md", 36)]
    [InlineData("framework.md", 36)]
    [InlineData("corpus.md", 36)]
    [InlineData("experiment.md", 37)]
    [InlineData("framework.md", 37)]
    [InlineData("corpus.md", 37)]
    [InlineData("experiment.md", 38)]
    [InlineData("framework.md", 38)]
    [InlineData("corpus.md", 38)]
    [InlineData("experiment.md", 39)]
    [InlineData("framework.md", 39)]
    [InlineData("corpus.md", 39)]
    [InlineData("experiment.md", 1)]
    [InlineData("framework.md", 2)]
    [InlineData("corpus.md", 3)]
    public void MutatedFile_AlwaysGivesAReport_NeverAnException(string file, int seed)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var original = File.ReadAllText(temp.File(file));
        var random = new Random(seed);
        var reader = new ExperimentReader();
        for (var i = 0; i < 80; i++)
        {
            var chars = original.ToCharArray().ToList();
            for (var edits = random.Next(1, 6); edits > 0; edits--)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, YamlSpecials[random.Next(YamlSpecials.Length)]);
                        break;
                    default:
                        chars[at] = YamlSpecials[random.Next(YamlSpecials.Length)];
                        break;
                }
            }

            File.WriteAllText(temp.File(file), new string(chars.ToArray()));

            var report = reader.Read(temp.Path);

            Assert.True(report.IsValid || report.Blocking.Any(), $"mutation {i} of {file}: invalid without a blocking finding");
            Assert.All(report.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
        }
    }
}
