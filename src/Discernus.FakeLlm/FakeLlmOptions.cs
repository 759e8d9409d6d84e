namespace Discernus.FakeLlm;

/// <summary>How the simulated provider behaves (`discernus dev fake-llm`).</summary>
public sealed record FakeLlmOptions
{
    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Time to answer one request.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Each answer takes Latency ± up to this much (uniformly).</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Requests served at once; one more is answered 429 with Retry-After, like a provider at its limit.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>Share of accepted requests answered with HTTP 500 or 503.</summary>
    public double ErrorRate { get; init; }

    /// <summary>
    /// Share of accepted requests answered 429 with Retry-After, as a provider does when a shared quota (requests or
    /// tokens per minute) runs out whatever this client's own concurrency.
    /// </summary>
    public double RateLimitRate { get; init; }

    /// <summary>Share of analysis answers that are malformed (not JSON, or JSON without the dimensions).</summary>
    public double MalformedRate { get; init; }

    /// <summary>How long a batch stays <c>in_progress</c> after its creation (the Batch API; a real one takes up to 24 h).</summary>
    public TimeSpan BatchCompletionDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Share of batch lines that come back as errors (in the batch's error file).</summary>
    public double BatchLineErrorRate { get; init; }

    /// <summary>Share of batch lines in the output file that are not valid JSON.</summary>
    public double BatchMalformedLineRate { get; init; }

    /// <summary>Every batch ends <c>expired</c>: half its lines answered, the rest in the error file.</summary>
    public bool BatchExpires { get; init; }

    /// <summary>Seed of the fault draws, so a benchmark can be repeated exactly.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"--port {Port} is not a port; give 1-65535, or 0 for any free port.");
        }

        if (Latency < TimeSpan.Zero || Jitter < TimeSpan.Zero)
        {
            throw new ArgumentException("--latency-ms and --jitter-ms must not be negative.");
        }

        if (Concurrency < 1)
        {
            throw new ArgumentException($"--concurrency {Concurrency} must be at least 1.");
        }

        if (ErrorRate is < 0 or > 1 || MalformedRate is < 0 or > 1 || RateLimitRate is < 0 or > 1 || BatchLineErrorRate is < 0 or > 1 || BatchMalformedLineRate is < 0 or > 1)
        {
            throw new ArgumentException("--error-rate, --rate-limit-rate, --malformed-rate, --batch-error-rate and --batch-malformed-rate are shares between 0 and 1 (e.g. 0.05).");
        }

        if (BatchCompletionDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("--batch-delay-ms must not be negative.");
        }
    }
}
