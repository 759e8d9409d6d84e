namespace Discernus.Configuration;

/// <summary>
/// Names of settings that the components above Configuration also spell (in messages, option help, child process
/// environments). They live here so the catalog, the lowest layer, never has to reach up into a component for a name.
/// </summary>
internal static class SettingNames
{
    public const string StallTimeoutSeconds = "DISCERNUS_STALL_TIMEOUT_SECONDS";

    /// <summary>The model of runs that get no <c>--model</c> and whose experiment names none (default: lexicon).</summary>
    public const string DefaultModel = "DISCERNUS_MODEL";

    public const string AgentTimeoutSeconds = "DISCERNUS_AGENT_TIMEOUT_SECONDS";

    public const string FaultInjectAgentCrash = "DISCERNUS_FAULT_INJECT_AGENT_CRASH";

    public const string OtlpEndpoint = "DISCERNUS_OTLP_ENDPOINT";

    public const string StandardOtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";

    public const string SpanFile = "DISCERNUS_OTEL_FILE";

    public const string MetricsPort = "DISCERNUS_METRICS_PORT";

    public const string HealthPort = "DISCERNUS_HEALTH_PORT";
}
