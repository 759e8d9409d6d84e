namespace Discernus.Tests.Infrastructure;

/// <summary>
/// What <see cref="FakeModelServer"/> answers: either a model answer (rendered in the wire format of the endpoint that was
/// called) or an HTTP fault, optionally after a delay.
/// </summary>
public sealed record FakeModelServerResponse
{
    public string? Text { get; init; }
    public int PromptTokens { get; init; } = 10;
    public int CompletionTokens { get; init; } = 5;
    /// <summary>0 for an answer; otherwise the HTTP status of a fault.</summary>
    public int FaultStatus { get; init; }
    public string FaultMessage { get; init; } = "scripted fault";
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    /// <summary>The model id the answer names (a provider's dated version); the requested model when null.</summary>
    public string? ModelId { get; init; }
    /// <summary>Delay before the server answers (simulated provider latency).</summary>
    public TimeSpan Latency { get; init; }

    public bool IsFault => FaultStatus != 0;

    public static FakeModelServerResponse Answer(string text, int promptTokens = 10, int completionTokens = 5) =>
        new() { Text = text, PromptTokens = promptTokens, CompletionTokens = completionTokens };

    public static FakeModelServerResponse Fault(int status, string message = "scripted fault") =>
        new() { FaultStatus = status, FaultMessage = message };
}
