using System.Collections;
using System.Globalization;

namespace Discernus.Configuration;

/// <summary>
/// The resolved settings of one process: each value with the place it came from. Built once by the composition root
/// from Microsoft.Extensions.Configuration (the project's <c>.env</c>, then the environment, then flags); read by
/// components through the typed getters, which parse with the invariant culture and refuse a bad value with a
/// <see cref="SettingException"/> instead of ignoring it. Also a plain name → value dictionary for code that only
/// needs the raw text.
/// </summary>
public sealed class SettingValues : IReadOnlyDictionary<string, string?>
{
    public const string DefaultSource = "default";

    private readonly IReadOnlyDictionary<string, (string? Value, string Source)> _values;

    public SettingValues(IReadOnlyDictionary<string, (string? Value, string Source)> values)
    {
        _values = new Dictionary<string, (string? Value, string Source)>(values, StringComparer.Ordinal);
    }

    /// <summary>Values given directly (tests, embedding), all attributed to one source.</summary>
    public static SettingValues From(IReadOnlyDictionary<string, string?> values, string source = "given") =>
        new(values.ToDictionary(kv => kv.Key, kv => (kv.Value, source), StringComparer.Ordinal));

    public static SettingValues Empty { get; } = new(new Dictionary<string, (string?, string)>());

    public int Count => _values.Count;

    public IEnumerable<string> Keys => _values.Keys;

    public IEnumerable<string?> Values => _values.Values.Select(v => v.Value);

    public string? this[string key] => _values[key].Value;

    /// <summary>Where a setting's value came from, or <see cref="DefaultSource"/> when it is not given.</summary>
    public string SourceOf(string name) => _values.TryGetValue(name, out var entry) && !string.IsNullOrWhiteSpace(entry.Value) ? entry.Source : DefaultSource;

    /// <summary>The trimmed value, or null when the setting is absent or blank.</summary>
    public string? Text(string name) =>
        _values.TryGetValue(name, out var entry) && !string.IsNullOrWhiteSpace(entry.Value) ? entry.Value.Trim() : null;

    public long? Integer(string name, long min, long max) => Parse(name, "a whole number", min, max,
        text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null);

    public double? Number(string name, double min, double max) => Parse(name, "a number", min, max,
        text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null);

    public TimeSpan? Seconds(string name, double min, double max) => Number(name, min, max) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    public bool? Flag(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return SettingCatalog.Flag(text) ?? throw Invalid(name, text, "true or false");
    }

    /// <summary>A refusal naming the setting, the value's source, the problem and the fix.</summary>
    public SettingException Invalid(string name, string value, string expected)
    {
        var shown = SettingCatalog.IsSecret(name) ? "(a secret value)" : $"'{SettingCatalog.Display(name, value)}'";
        return new SettingException($"{name}={shown} (from {SourceOf(name)}) is not usable: expected {expected}. Correct it or unset it to use the default ({SettingCatalog.DefaultOf(name)}).");
    }

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, out string? value)
    {
        var found = _values.TryGetValue(key, out var entry);
        value = entry.Value;
        return found;
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() =>
        _values.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private T? Parse<T>(string name, string kind, T min, T max, Func<string, T?> parse)
        where T : struct, IComparable<T>
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (parse(text) is not { } value || value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            throw Invalid(name, text, string.Create(CultureInfo.InvariantCulture, $"{kind} from {min} to {max}"));
        }

        return value;
    }
}
