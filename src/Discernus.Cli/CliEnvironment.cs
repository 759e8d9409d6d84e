namespace Discernus.Cli;

/// <summary>
/// Configuration the way ARCHITECTURE orders it: <c>.env</c> at the project root first, then environment variables
/// (which win), then flags (applied by each command). Values are kept here and never printed.
/// </summary>
internal sealed class CliEnvironment
{
    private CliEnvironment(IReadOnlyDictionary<string, string?> values) => Values = values;

    public IReadOnlyDictionary<string, string?> Values { get; }

    public string? this[string key] => Values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;

    public static CliEnvironment Load(string workingDirectory)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var envFile = FindDotEnv(workingDirectory);
        if (envFile is not null)
        {
            foreach (var (key, value) in ParseDotEnv(File.ReadAllLines(envFile)))
            {
                values[key] = value;
            }
        }

        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            values[(string)entry.Key] = entry.Value as string;
        }

        return new CliEnvironment(values);
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

    internal static IEnumerable<(string Key, string Value)> ParseDotEnv(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\''))
            {
                value = value[1..^1];
            }
            else if (value.IndexOf(" #", StringComparison.Ordinal) is var hash and >= 0)
            {
                value = value[..hash].TrimEnd();
            }

            yield return (key, value);
        }
    }
}
