namespace Discernus.Coordination;

/// <summary>One line of <c>discernus doctor</c>: what was checked, what was found and, when it failed, what to do.</summary>
internal sealed record DoctorCheck
{
    /// <summary>Stable identifier for scripts (<c>redis</c>, <c>redis_version</c>, ...).</summary>
    public required string Name { get; init; }

    /// <summary>What is checked, for people.</summary>
    public required string Title { get; init; }

    public required DoctorStatus Status { get; init; }

    /// <summary>What was found. Never contains a password or an API key.</summary>
    public required string Detail { get; init; }

    /// <summary>What to do about a failure or warning, or null.</summary>
    public string? Fix { get; init; }

    public static DoctorCheck Pass(string name, string title, string detail) => new() { Name = name, Title = title, Status = DoctorStatus.Pass, Detail = detail };

    public static DoctorCheck Warn(string name, string title, string detail, string fix) => new() { Name = name, Title = title, Status = DoctorStatus.Warn, Detail = detail, Fix = fix };

    public static DoctorCheck Fail(string name, string title, string detail, string fix) => new() { Name = name, Title = title, Status = DoctorStatus.Fail, Detail = detail, Fix = fix };

    public static DoctorCheck Skip(string name, string title, string reason) => new() { Name = name, Title = title, Status = DoctorStatus.Skip, Detail = reason };
}
