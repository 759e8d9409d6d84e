using Discernus.Configuration;
using DotNetEnv.Configuration;
using Microsoft.Extensions.Configuration;

namespace Discernus.Cli;

/// <summary>
/// Configuration the way ARCHITECTURE orders it, through Microsoft.Extensions.Configuration: the project's <c>.env</c>
/// (read by the maintained DotNetEnv provider, found in the working folder or above it up to the repository root),
/// then environment variables (which win), then flags (applied by each command). Every value keeps its source, so
/// `discernus config` and every settings error can say where a value came from. Values are never printed unmasked.
/// </summary>
internal sealed class CliEnvironment
{
    public const string EnvironmentSource = "environment";

    private CliEnvironment(SettingValues values, string? dotEnvPath)
    {
        Values = values;
        DotEnvPath = dotEnvPath;
    }

    public SettingValues Values { get; }

    /// <summary>The <c>.env</c> file that was read, if any.</summary>
    public string? DotEnvPath { get; }

    public string? this[string key] => Values.Text(key);

    /// <summary>An environment made of exactly these values (tests, embedding): no <c>.env</c>, no process variables.</summary>
    internal static CliEnvironment FromValues(IReadOnlyDictionary<string, string?> values) => new(SettingValues.From(values), null);

    public static CliEnvironment Load(string workingDirectory)
    {
        var envFile = FindDotEnv(workingDirectory);
        var builder = new ConfigurationBuilder();
        if (envFile is not null)
        {
            // NoEnvVars: the file feeds configuration only; it never changes the process environment.
            builder.AddDotNetEnv(envFile, DotNetEnv.LoadOptions.NoEnvVars());
        }

        builder.AddEnvironmentVariables();
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SettingException($"the settings file {envFile} cannot be read ({ex.Message}); make it readable or remove it.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The parser's message quotes the characters it last read, which may be a key: name the line, never its text.
            throw new SettingException($"the settings file {envFile} cannot be read: line {FailingLine(envFile!)} is not NAME=value (or a quote opened there is never closed). Each line must be NAME=value (quotes and `export` allowed, # starts a comment); correct that line or remove the file.");
        }

        var values = new Dictionary<string, (string? Value, string Source)>(StringComparer.Ordinal);
        foreach (var (key, value) in root.AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }

            // The last provider holding a key is the one that wins: name it as the source.
            var provider = root.Providers.Reverse().First(p => p.TryGet(key, out _));
            values[key] = (value, provider is EnvConfigurationProvider ? envFile! : EnvironmentSource);
        }

        return new CliEnvironment(new SettingValues(values), envFile);
    }

    /// <summary>
    /// The first line the parser cannot get past: one more than the longest run of leading lines that parses on its
    /// own (a quoted value may span lines, so each prefix is tried whole). Files are short; past 2,000 lines the search
    /// stops there.
    /// </summary>
    private static int FailingLine(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllText(path).Split('\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 1;
        }

        var parsed = 0;
        for (var count = 1; count <= Math.Min(lines.Length, 2000); count++)
        {
            try
            {
                _ = DotNetEnv.Env.LoadContents(string.Join('\n', lines.Take(count)), DotNetEnv.LoadOptions.NoEnvVars()).ToList();
                parsed = count;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Not yet past the bad line (or inside a quoted value that closes later).
            }
        }

        return parsed + 1;
    }

    private static string? FindDotEnv(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".env");
            if (File.Exists(candidate))
            {
                return candidate;
            }

            if (Directory.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return null;
            }
        }

        return null;
    }
}
