using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Coordination;

/// <summary>The coordination contract against a real redis-server.</summary>
public sealed class CoordinationOnRedisServerTests(RedisServerFixture server)
    : CoordinationContractTests(server), IClassFixture<RedisServerFixture>;
