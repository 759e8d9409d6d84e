namespace Discernus.Models;

/// <summary>How a request reaches the provider, which decides its price: one by one, or in the provider's batch API.</summary>
internal enum BillingMode
{
    Interactive,
    Batch,
}
