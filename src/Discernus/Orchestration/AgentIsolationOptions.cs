namespace Discernus.Orchestration;

/// <summary>
/// Process isolation of agents (<c>--isolation process</c>): each task runs in a child process started with
/// <see cref="Command"/>, which is killed, and counted as a crash, when it runs longer than <see cref="Timeout"/>.
/// </summary>
internal sealed record AgentIsolationOptions
{
    /// <summary>How long one child may run (<c>DISCERNUS_AGENT_TIMEOUT_SECONDS</c>).</summary>
    public const string TimeoutVariable = Configuration.SettingNames.AgentTimeoutSeconds;

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
    public static AgentIsolationOptions Process(AgentProcessCommand command, DiscernusSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AgentIsolationOptions
        {
            Mode = AgentIsolationMode.Process,
            Timeout = settings.AgentTimeout ?? DefaultTimeout,
            Command = command,
        };
    }

    public void Validate()
    {
        if (Mode == AgentIsolationMode.Process && Command is null)
        {
            throw new InvalidOperationException("process isolation needs the command that starts an agent process (AgentIsolationOptions.Command)");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, $"the agent process time limit must be positive; set {TimeoutVariable} to a number of seconds");
        }
    }
}
