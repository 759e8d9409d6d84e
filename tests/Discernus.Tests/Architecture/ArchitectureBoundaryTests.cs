using System.Reflection;
using Mono.Cecil;
using NetArchTest.Rules;

namespace Discernus.Tests.Architecture;

/// <summary>
/// The CLI and `discernus serve` are front ends: they parse, call Discernus.Application and render. The run machinery
/// (Orchestration, Coordination, Provenance) is the application layer's to use, so a rule changed there is changed once.
/// </summary>
public sealed class ArchitectureBoundaryTests
{
    private static readonly string[] BehindTheApplicationLayer = ["Discernus.Orchestration", "Discernus.Coordination", "Discernus.Provenance"];

    /// <summary>
    /// Front-end types that still reach past the application layer (issue 16 moves them behind it). The list may only
    /// shrink: a type not on it fails the test, and so does a listed type that no longer needs to be here.
    /// </summary>
    private static readonly Dictionary<string, string[]> NotYetBehind = new(StringComparer.Ordinal)
    {
        ["discernus"] = [
        ],
        ["Discernus.Web"] = [
        ],
    };

    [Theory]
    [InlineData("discernus")]
    [InlineData("Discernus.Web")]
    public void FrontEnds_DoNotReachPastTheApplicationLayer(string assemblyName)
    {
        var reaching = Reaching(assemblyName);
        var allowed = NotYetBehind[assemblyName].ToHashSet(StringComparer.Ordinal);
        Assert.True(reaching.All(allowed.Contains), $"{assemblyName} types use {string.Join(", ", BehindTheApplicationLayer)} directly; go through Discernus.Application: {string.Join(", ", reaching.Where(t => !allowed.Contains(t)))}");
        Assert.True(allowed.All(reaching.Contains), $"no longer reaching past the application layer, take them off the list: {string.Join(", ", allowed.Where(t => !reaching.Contains(t)))}");
    }

    /// <summary>
    /// Source files of the front ends that still name those namespaces. The IL check above cannot see a constant
    /// (<c>StageNames.Synthesis</c>, <c>RunStatus.Completed</c>, <c>RunFolder</c>'s paths): the compiler copies its value
    /// into the caller, so the source is read as well. The list may only shrink.
    /// </summary>
    private static readonly string[] FilesNotYetBehind =
    [
    ];

    [Fact]
    public void FrontEndSources_DoNotNameTheNamespacesBehindTheApplicationLayer()
    {
        var root = ArchitectureSources.RepositoryRoot();
        var naming = new[] { "src/Discernus.Cli", "src/Discernus.Web" }
            .SelectMany(folder => ArchitectureSources.Files(root, folder))
            .Where(path => BehindTheApplicationLayer.Any(ns => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(Path.Combine(root, path)), $@"\b{System.Text.RegularExpressions.Regex.Escape(ns)}\b")))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(naming.All(FilesNotYetBehind.Contains), $"front-end sources name {string.Join(", ", BehindTheApplicationLayer)}; go through Discernus.Application: {string.Join(", ", naming.Where(p => !FilesNotYetBehind.Contains(p)))}");
        Assert.True(FilesNotYetBehind.All(naming.Contains), $"no longer naming them, take them off the list: {string.Join(", ", FilesNotYetBehind.Where(p => !naming.Contains(p)))}");
    }

    [Fact]
    public void TheApplicationLayerIsInTheLibrary()
    {
        var application = Types.InAssembly(typeof(Discernus.Application.RunRules).Assembly).That().ResideInNamespace("Discernus.Application").GetTypes().ToList();
        Assert.Contains(application, t => t.Name == "RunService");
        Assert.Contains(application, t => t.Name == "ExperimentService");
        Assert.Contains(application, t => t.Name == "CodingService");
    }

    /// <summary>
    /// The top-level types that depend on those namespaces, read from the IL with the cycle test's reader: method bodies
    /// included, and nested and compiler-generated types (lambdas, async state machines) counted as the type they are in.
    /// </summary>
    private static HashSet<string> Reaching(string assemblyName)
    {
        using var module = ModuleDefinition.ReadModule(Assembly.Load(assemblyName).Location);
        return module.GetTypes()
            .Where(type => ArchitectureCycleTests.DependencyGraph.Referenced(type).Any(used => ArchitectureCycleTests.DependencyGraph.Folder(used) is { } folder && BehindTheApplicationLayer.Contains(folder)))
            .Select(type => ArchitectureCycleTests.DependencyGraph.Outermost(type).FullName)
            .ToHashSet(StringComparer.Ordinal);
    }
}
