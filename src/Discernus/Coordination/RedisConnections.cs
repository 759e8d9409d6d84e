using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The shared multiplexer for every non-blocking command, plus the factory for the dedicated connections that
/// blocking commands need (a blocked command on the shared multiplexer would stall every other caller, STYLE.md §6).
/// </summary>
internal sealed class RedisConnections : IAsyncDisposable
{
    private readonly bool _ownsShared;

    public RedisConnections(RedisConnectionFactory factory, IConnectionMultiplexer shared, bool ownsShared = true)
    {
        Factory = factory;
        Shared = shared;
        _ownsShared = ownsShared;
    }

    public RedisConnectionFactory Factory { get; }

    public IConnectionMultiplexer Shared { get; }

    public IDatabase Database => Shared.GetDatabase();

    public string Description => Factory.Description;

    public static async Task<RedisConnections> ConnectAsync(RedisConnectionFactory factory, CancellationToken cancellationToken = default)
    {
        var shared = await factory.ConnectAsync("discernus", cancellationToken: cancellationToken).ConfigureAwait(false);
        return new RedisConnections(factory, shared);
    }

    /// <summary>A connection of its own for one blocking consumer; the caller disposes it.</summary>
    public Task<ConnectionMultiplexer> ConnectDedicatedAsync(string purpose, TimeSpan blockingTimeout, CancellationToken cancellationToken = default) =>
        Factory.ConnectAsync(
            "discernus-" + purpose,
            blockingTimeout + TimeSpan.FromSeconds(3),
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_ownsShared)
        {
            await Shared.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            Shared.Dispose();
        }
    }
}
