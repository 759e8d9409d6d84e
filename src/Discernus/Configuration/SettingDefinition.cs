namespace Discernus.Configuration;

/// <summary>
/// One setting Discernus reads (an environment variable or a <c>.env</c> line): what it is for, its default as shown
/// to people, whether it is secret, and how a value is checked. Components read values through
/// <see cref="SettingValues"/>, so a malformed value is refused the same way wherever it is used.
/// </summary>
public sealed record SettingDefinition
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>What applies when the setting is not given, in words (e.g. "600", "embedded Garnet").</summary>
    public required string Default { get; init; }

    /// <summary>Secret values (keys, passwords) are masked wherever settings are shown.</summary>
    public bool IsSecret { get; init; }

    /// <summary>Null when the value is acceptable; otherwise what is wrong with it and the form expected.</summary>
    public Func<string, string?> Check { get; init; } = _ => null;

    /// <summary>How a value is shown to people: secrets not at all, URLs without the password they may carry.</summary>
    public Func<string, string> Display { get; init; } = value => value;

    /// <summary>The bounds of a whole-number setting, which <see cref="SettingCatalog.WholeNumber"/> reads with; null for other kinds.</summary>
    public (long Min, long Max)? Range { get; init; }

    /// <summary>The bounds of a decimal setting (seconds that may be fractional), which <see cref="SettingCatalog.Seconds"/> reads with.</summary>
    public (double Min, double Max)? DecimalRange { get; init; }

    /// <summary>The component that reads it (for `discernus config` grouping).</summary>
    public required string Component { get; init; }
}
