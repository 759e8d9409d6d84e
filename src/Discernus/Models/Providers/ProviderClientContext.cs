namespace Discernus.Models;

/// <summary>What a provider needs from the gateway to build its client: the settings (keys, endpoints, time-out) and the gateway's options.</summary>
internal sealed record ProviderClientContext(ModelSettings Settings, ModelGatewayOptions Options)
{
    // Margin so the SDK's own HTTP time-out never fires before the gateway's per-attempt time-out.
    private static readonly TimeSpan SdkTimeoutMargin = TimeSpan.FromSeconds(30);

    public TimeSpan SdkTimeout => Settings.Timeout + SdkTimeoutMargin;
}
