using System.CommandLine;
using System.Globalization;
using Discernus.FakeLlm;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>`discernus dev ...`: tools for developing and benchmarking Discernus itself.</summary>
internal static class DevCommand
{
    public static Command Create(CliContext context) =>
        new("dev", "Developer tools: a simulated model provider for benchmarks and fault tests") { FakeLlm(context) };

    private static Command FakeLlm(CliContext context)
    {
        var port = new Option<int>("--port", "-p") { Description = "Loopback port to listen on (0 = any free port)", Required = true };
        var latency = new Option<int>("--latency-ms") { Description = "Milliseconds to answer one request (default 200)", DefaultValueFactory = _ => 200 };
        var jitter = new Option<int>("--jitter-ms") { Description = "Each answer takes latency ± up to this many milliseconds (default 0)" };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Requests served at once; more get 429 with Retry-After (default 64)", DefaultValueFactory = _ => 64 };
        var errorRate = new Option<double>("--error-rate") { Description = "Share of requests answered 500/503, e.g. 0.05 (default 0)" };
        var rateLimitRate = new Option<double>("--rate-limit-rate") { Description = "Share of requests answered 429 with Retry-After whatever the load, like a spent quota, e.g. 0.2 (default 0)" };
        var malformedRate = new Option<double>("--malformed-rate") { Description = "Share of analysis answers that are malformed, e.g. 0.05 (default 0)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault draws (default 1)", DefaultValueFactory = _ => 1 };
        var batchDelay = new Option<int>("--batch-delay-ms") { Description = "Milliseconds a batch (POST /v1/batches) stays in progress before it completes (default 2000)", DefaultValueFactory = _ => 2000 };
        var batchErrorRate = new Option<double>("--batch-error-rate") { Description = "Share of batch lines returned as errors in the error file, e.g. 0.02 (default 0)" };
        var batchMalformedRate = new Option<double>("--batch-malformed-rate") { Description = "Share of batch output lines that are not valid JSON, e.g. 0.01 (default 0)" };
        var batchExpires = new Option<bool>("--batch-expires") { Description = "Every batch ends expired: half its lines answered, the rest in the error file as batch_expired" };
        var command = new Command("fake-llm", "Serve OpenAI-compatible chat completions and the Files/Batch API on 127.0.0.1 with valid analysis answers, latency, 429s above the concurrency or at a set rate, injected 5xx and malformed answers, delayed, partly failed or expired batches; GET /stats counts them. Ctrl-C stops it.")
        {
            port, latency, jitter, concurrency, errorRate, rateLimitRate, malformedRate, seed, batchDelay, batchErrorRate, batchMalformedRate, batchExpires,
        };
        command.SetAction((parse, ct) =>
        {
            var options = new FakeLlmOptions
            {
                Port = parse.GetValue(port),
                Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                Jitter = TimeSpan.FromMilliseconds(parse.GetValue(jitter)),
                Concurrency = parse.GetValue(concurrency),
                ErrorRate = parse.GetValue(errorRate),
                MalformedRate = parse.GetValue(malformedRate),
                RateLimitRate = parse.GetValue(rateLimitRate),
                Seed = parse.GetValue(seed),
                BatchCompletionDelay = TimeSpan.FromMilliseconds(parse.GetValue(batchDelay)),
                BatchLineErrorRate = parse.GetValue(batchErrorRate),
                BatchMalformedLineRate = parse.GetValue(batchMalformedRate),
                BatchExpires = parse.GetValue(batchExpires),
            };
            return ServeAsync(context, options, ct);
        });
        return command;
    }

    private static async Task<int> ServeAsync(CliContext context, FakeLlmOptions options, CancellationToken ct)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            context.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Usage;
        }

        FakeLlmServer server;
        try
        {
            server = await FakeLlmServer.StartAsync(options, context.TimeProvider, ct);
        }
        catch (IOException ex)
        {
            context.Error.WriteLine($"error: cannot listen on 127.0.0.1:{options.Port} ({ex.Message}); choose another --port, or 0 for any free port.");
            return ExitCodes.Failure;
        }

        await using (server)
        {
            var ms = (TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            context.Console.MarkupLine(
                $"fake-llm: OpenAI-compatible chat completions at [bold]{server.BaseUrl}[/] ({ms(options.Latency)} ± {ms(options.Jitter)} ms, {options.Concurrency} at once, " +
                $"{options.ErrorRate.ToString("P0", CultureInfo.InvariantCulture)} errors, {options.RateLimitRate.ToString("P0", CultureInfo.InvariantCulture)} 429s, {options.MalformedRate.ToString("P0", CultureInfo.InvariantCulture)} malformed); counts at http://127.0.0.1:{server.Port}/stats. Ctrl-C stops it.");
            context.Console.MarkupLine($"[dim]use: DISCERNUS_OPENAI_COMPATIBLE_BASE_URL={server.BaseUrl} discernus run <experiment> --model openai-compatible/fake[/]");
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.TimeProvider, ct);
            }
            catch (OperationCanceledException)
            {
                var stats = server.Stats;
                context.Console.MarkupLine($"fake-llm stopped: {stats.Requests} request(s), {stats.Completions} completion(s), {stats.RateLimited} 429, {stats.ServerErrors} 5xx, {stats.Malformed} malformed, at most {stats.MaxConcurrent} at once.");
            }
        }

        return ExitCodes.Success;
    }
}
