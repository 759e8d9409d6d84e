using System.Globalization;

namespace Discernus.Orchestration;

/// <summary>
/// Process isolation of agents (<c>--isolation process</c>): each task runs in a child process started with
/// <see cref="Command"/>, which is killed, and counted as a crash, when it runs longer than <see cref="Timeout"/>.
/// </summary>
public sealed record AgentIsolationOptions
{
    /// <summary>How long one child may run (<c>DISCERNUS_AGENT_TIMEOUT_SECONDS</c>).</summary>
    public const string TimeoutVariable = "DISCERNUS_AGENT_TIMEOUT_SECONDS";

    /// <summary>
    /// Generous on purpose: a legitimate analysis may make up to 3 answer attempts of up to 4 provider calls of up to
    /// 120 s each (about 25 minutes at worst); only a child stuck beyond any of that is killed.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public AgentIsolationMode Mode { get; init; } = AgentIsolationMode.None;

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The program to start per task; required with <see cref="AgentIsolationMode.Process"/>.</summary>
    public AgentProcessCommand? Command { get; init; }

    /// <summary>Isolation in child processes started with <paramref name="command"/>, with the time limit from the configuration.</summary>
    public static AgentIsolationOptions Process(AgentProcessCommand command, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = environment.GetValueOrDefault(TimeoutVariable);
        var timeout = DefaultTimeout;
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds < 1 || seconds > 86_400)
            {
                throw new HostConfigurationException($"{TimeoutVariable}='{text}' is not a number of seconds between 1 and 86400; set e.g. {TimeoutVariable}=1800 or unset it.");
            }

            timeout = TimeSpan.FromSeconds(seconds);
        }

        return new AgentIsolationOptions { Mode = AgentIsolationMode.Process, Timeout = timeout, Command = command };
    }

    public void Validate()
    {
        if (Mode == AgentIsolationMode.Process && Command is null)
        {
            throw new HostConfigurationException("process isolation needs the command that starts an agent process (AgentIsolationOptions.Command).");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new HostConfigurationException($"the agent process time limit must be positive, not {Timeout}; set {TimeoutVariable} to a number of seconds.");
        }
    }
}
