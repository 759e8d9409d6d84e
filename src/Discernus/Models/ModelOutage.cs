namespace Discernus.Models;

/// <summary>
/// A provider endpoint that stopped answering: which one (for the message), why (the failure that opened its breaker)
/// and since when (the moment this process's breaker opened; every task for the endpoint waits from then on).
/// </summary>
internal sealed record ModelOutage(string Model, string Endpoint, string Cause, DateTimeOffset Since);
