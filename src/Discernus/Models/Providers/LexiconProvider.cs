namespace Discernus.Models;

/// <summary>The offline dictionary baseline (Discernus.Offline.Lexicon), registered by every host by default.</summary>
internal sealed record LexiconProvider : OfflineProvider
{
    public override string Name => "lexicon";

    // Deterministic without either: sending them would only change the request hash.
    public override (float? Temperature, long? Seed) SamplingFor(string model) => (null, null);

    public override string NotRegisteredMessage(ModelName model) =>
        $"The offline model '{model}' is not registered with this model gateway: the host registers it (LexiconOfflineModel in Discernus.Offline.Lexicon) " +
        "with ModelGatewayOptions.OfflineModels.";
}
