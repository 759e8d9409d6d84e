using Discernus.Coordination;

namespace Discernus.Application;

/// <summary>
/// What a run in this process can start before it is prepared: the embedded Garnet server, when no
/// <c>DISCERNUS_REDIS_URL</c> names an external one. Validation and the storing of the documents need no Redis, so the
/// server starts beside them instead of after them. Give it to <see cref="RunSession.StartAsync"/>, whose host takes
/// the server over; dispose it in every case (a server no run took is stopped then).
/// </summary>
public sealed class EarlyCoordination : IAsyncDisposable
{
    private EarlyCoordination(EmbeddedGarnetStart? server) => Server = server;

    /// <summary>An early coordination that starts nothing (a resumed run that may not need it, a test).</summary>
    public static EarlyCoordination None { get; } = new(null);

    internal EmbeddedGarnetStart? Server { get; }

    /// <summary>Starts the embedded server in the background when the settings use one; otherwise nothing.</summary>
    public static EarlyCoordination Begin(WorkspaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Redis.Url is null ? new EarlyCoordination(EmbeddedGarnetStart.Begin()) : None;
    }

    public ValueTask DisposeAsync() => Server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
