namespace Discernus.Models;

/// <summary>List price of one model in USD per million tokens.</summary>
internal sealed record ModelPrice(string Model, decimal InputPerMillion, decimal OutputPerMillion)
{
    public decimal CostOf(long promptTokens, long completionTokens) =>
        Math.Round((promptTokens * InputPerMillion + completionTokens * OutputPerMillion) / 1_000_000m, 8);
}
