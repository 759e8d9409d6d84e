using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Coordination;

/// <summary>The coordination contract against the embedded Garnet server.</summary>
public sealed class CoordinationOnGarnetTests(GarnetServerFixture server)
    : CoordinationContractTests(server), IClassFixture<GarnetServerFixture>;
