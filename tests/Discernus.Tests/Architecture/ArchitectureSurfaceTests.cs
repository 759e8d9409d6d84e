using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Discernus.Tests.Architecture;

/// <summary>
/// Each assembly shows the others only its public surface: internals are opened to the tests alone, so what the CLI,
/// serve, the hosting and the offline models use of the core is stated by <c>public</c>, and kept small.
/// </summary>
public sealed partial class ArchitectureSurfaceTests
{
    /// <summary>
    /// Who may see an assembly's internals besides the tests. The benchmarks time internal parts in isolation (the Redis
    /// queue, the synthesis agent, the answer validator, the statistics, the MiniLM encoder: 45 types); making those
    /// public for a harness would double the core's surface, so the bench keeps its access to the two assemblies it times.
    /// </summary>
    private static readonly Dictionary<string, string[]> AlsoOpenTo = new(StringComparer.Ordinal)
    {
        ["Discernus.Core"] = ["Discernus.Bench"],
        ["Discernus.MiniLM"] = ["Discernus.Bench"],
    };

    private const string Tests = "Discernus.Tests";

    /// <summary>
    /// The public types of the core library per namespace (nested public types included). The numbers may only go down,
    /// or be raised consciously: a type becomes public because another project needs it, and the application layer is
    /// the place for what the CLI and serve use.
    /// </summary>
    private static readonly Dictionary<string, int> CorePublicTypes = new(StringComparer.Ordinal)
    {
        ["Discernus.Agents"] = 5,
        ["Discernus.Application"] = 71,
        ["Discernus.Artifacts"] = 1,
        ["Discernus.Concurrency"] = 1,
        ["Discernus.Configuration"] = 5,
        ["Discernus.Content"] = 1,
        ["Discernus.Experiments"] = 24,
        ["Discernus.Health"] = 1,
        ["Discernus.Models"] = 5,
        ["Discernus.Offline"] = 3,
        ["Discernus.Offline.Lexicon"] = 7,
        ["Discernus.Provenance"] = 19,
        ["Discernus.Telemetry"] = 1,
    };

    [Theory]
    [InlineData("Discernus.Core")]
    [InlineData("discernus")]
    [InlineData("Discernus.Web")]
    [InlineData("Discernus.MiniLM")]
    [InlineData("Discernus.Hosting")]
    [InlineData("Discernus.FakeLlm")]
    public void InternalsAreOpenOnlyToTheTests(string assemblyName)
    {
        var allowed = AlsoOpenTo.GetValueOrDefault(assemblyName, []).Append(Tests).ToHashSet(StringComparer.Ordinal);
        var openTo = Assembly.Load(assemblyName).GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();
        Assert.True(openTo.All(allowed.Contains), $"{assemblyName} opens its internals to {string.Join(", ", openTo.Where(a => !allowed.Contains(a)))}; make what that project uses public instead (the application layer first)");
    }

    /// <summary>The project files themselves, so a new project (or one the tests do not load, as the bench) is held to the same rule.</summary>
    [Fact]
    public void NoProjectFileOpensItsInternalsToAnotherProject()
    {
        var root = RepositoryRoot();
        var extra = new[] { "src", "bench", "tests" }
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories))
            .SelectMany(project => InternalsVisibleTo().Matches(File.ReadAllText(project))
                .Select(match => (Project: Path.GetFileNameWithoutExtension(project), Friend: match.Groups[1].Value)))
            .Where(pair => pair.Friend != Tests && !AlsoOpenTo.GetValueOrDefault(AssemblyOf(pair.Project), []).Contains(pair.Friend))
            .Select(pair => $"{pair.Project} → {pair.Friend}")
            .ToList();
        Assert.True(extra.Count == 0, $"InternalsVisibleTo other than {Tests}: {string.Join(", ", extra)}; make what that project uses public instead (the application layer first)");
    }

    [Fact]
    public void TheCoreLibrarysPublicSurfaceDoesNotGrow()
    {
        var counts = typeof(Discernus.Application.RunRules).Assembly.GetExportedTypes()
            .GroupBy(t => t.Namespace ?? "")
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var grown = counts.Where(c => c.Value > CorePublicTypes.GetValueOrDefault(c.Key)).Select(c => $"{c.Key}: {c.Value} (listed {CorePublicTypes.GetValueOrDefault(c.Key)})").ToList();
        var shrunk = CorePublicTypes.Where(c => c.Value > counts.GetValueOrDefault(c.Key)).Select(c => $"{c.Key}: {counts.GetValueOrDefault(c.Key)} (listed {c.Value})").ToList();
        Assert.True(grown.Count == 0, $"more public types than listed: {string.Join(", ", grown)}. Keep a type internal unless another project needs it; if one does, prefer the application layer, and raise the number here consciously");
        Assert.True(shrunk.Count == 0, $"fewer public types than listed, lower the numbers: {string.Join(", ", shrunk)}");
    }

    /// <summary>The assembly name a project builds (the core's project is Discernus, its assembly Discernus.Core; the CLI's is discernus).</summary>
    private static string AssemblyOf(string project) => project switch
    {
        "Discernus" => "Discernus.Core",
        "Discernus.Cli" => "discernus",
        _ => project,
    };

    [GeneratedRegex("""<InternalsVisibleTo\s+Include="([^"]+)"\s*/?>""")]
    private static partial Regex InternalsVisibleTo();

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Discernus.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"the repository root (with Discernus.sln) was not found above {AppContext.BaseDirectory}");
    }
}
