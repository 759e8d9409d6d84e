using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Discernus.Tests.Architecture;

/// <summary>
/// Sizes a newcomer can read: no source file over 400 lines in src/, and no method (constructor, local function or
/// lambda body included) over 60 lines where the run's control flow lives (Orchestration, Agents, the application
/// layer, the CLI). The sources are parsed with Roslyn, so a brace in a string or a comment counts for nothing.
/// </summary>
public sealed class CodeSizeTests
{
    private const int MaxFileLines = 400;
    private const int MaxMethodLines = 60;

    private static readonly string[] MethodRuleFolders =
    [
        "src/Discernus/Orchestration",
        "src/Discernus/Agents",
        "src/Discernus/Application",
        "src/Discernus.Cli",
    ];

    [Fact]
    public void NoSourceFileIsOver400Lines()
    {
        var root = ArchitectureSources.RepositoryRoot();
        var large = ArchitectureSources.Files(root, "src")
            .Select(path => (path, lines: File.ReadAllLines(Path.Combine(root, path)).Length))
            .Where(file => file.lines > MaxFileLines)
            .Select(file => $"{file.path} ({file.lines} lines)")
            .ToList();

        Assert.True(large.Count == 0, $"source files over {MaxFileLines} lines; split them by responsibility: {string.Join(", ", large)}");
    }

    [Fact]
    public void NoMethodIsOver60Lines_InOrchestrationAgentsApplicationAndCli()
    {
        var root = ArchitectureSources.RepositoryRoot();
        var files = MethodRuleFolders.SelectMany(folder => ArchitectureSources.Files(root, folder)).Where(p => p.EndsWith(".cs", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);

        var long_ = files.SelectMany(path => LongBodies(path, File.ReadAllText(Path.Combine(root, path)))).ToList();

        Assert.True(long_.Count == 0, $"methods over {MaxMethodLines} lines; give their steps names: {string.Join(", ", long_)}");
    }

    [Fact]
    public void TheMethodRule_FindsALongMethod()
    {
        var body = string.Join('\n', Enumerable.Range(0, MaxMethodLines).Select(i => $"        var x{i} = {i}; // {{ not a brace"));
        var source = $"class C\n{{\n    void Long()\n    {{\n{body}\n    }}\n\n    void Short() {{ }}\n}}\n";

        Assert.Equal(["Example.cs:3 C.Long (63 lines)"], LongBodies("Example.cs", source));
    }

    private static IEnumerable<string> LongBodies(string path, string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, path: path);
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var (name, span) = node switch
            {
                BaseMethodDeclarationSyntax method => (Name(method), method.Span),
                LocalFunctionStatementSyntax local => (local.Identifier.Text, local.Span),
                AccessorDeclarationSyntax accessor when accessor.Body is not null => ($"{accessor.Keyword.Text} accessor", accessor.Span),
                AnonymousFunctionExpressionSyntax lambda when lambda.Body is BlockSyntax => ("lambda", lambda.Span),
                _ => (null, default),
            };
            if (name is null)
            {
                continue;
            }

            var lines = tree.GetLineSpan(span);
            var count = lines.EndLinePosition.Line - lines.StartLinePosition.Line + 1;
            if (count > MaxMethodLines)
            {
                var type = node.Ancestors().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault()?.Identifier.Text;
                yield return $"{path}:{lines.StartLinePosition.Line + 1} {type}.{name} ({count} lines)";
            }
        }
    }

    private static string Name(BaseMethodDeclarationSyntax method) => method switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        ConstructorDeclarationSyntax c => c.Identifier.Text,
        OperatorDeclarationSyntax o => "operator " + o.OperatorToken.Text,
        _ => method.Kind().ToString(),
    };
}
