using Discernus.Coordination;

namespace Discernus.Tests.Infrastructure;

/// <summary>A Redis-protocol server started for tests, with one shared connection to it.</summary>
internal interface IRedisTestServer
{
    string Name { get; }

    /// <summary>The loopback port the server listens on.</summary>
    int Port { get; }

    RedisConnectionFactory ConnectionFactory { get; }

    RedisConnections Connections { get; }
}
