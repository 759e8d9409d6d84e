using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Discernus.Artifacts;

/// <summary>
/// How the S3 artifact store calls its server: transient failures (connection refused, 5xx, timeouts) retried with
/// exponential backoff for at most the store's timeout, refusals (403, a missing bucket) not, and every failure
/// explained in words that name the variable to check and never carry the secret.
/// </summary>
internal sealed class S3CallPolicy
{
    private static readonly ResiliencePropertyKey<Exception> LastError = new("discernus.s3.last-error");

    /// <summary>A mistyped endpoint should not keep the user waiting the whole operation timeout at start.</summary>
    private static readonly TimeSpan OpenLimit = TimeSpan.FromSeconds(15);

    private readonly S3ArtifactStoreOptions _options;
    private readonly string _endpoint;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _openPipeline;

    public S3CallPolicy(S3ArtifactStoreOptions options, string endpoint, TimeProvider time, ILogger logger)
    {
        (_options, _endpoint, _logger) = (options, endpoint, logger);
        _pipeline = BuildPipeline(options.Timeout, time);
        _openPipeline = BuildPipeline(options.Timeout < OpenLimit ? options.Timeout : OpenLimit, time);
    }

    private ResiliencePipeline BuildPipeline(TimeSpan limit, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = limit })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                // The timeout around the retries is the bound, not a count.
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    var error = args.Outcome.Exception!;
                    args.Context.Properties.Set(LastError, error);
                    _logger.LogWarning("S3 artifact store at {Endpoint} (bucket {Bucket}): {Error}; retry {Attempt} in {Delay} ms",
                        _endpoint, _options.Bucket, Explain(error), args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();

    public async Task<T> ExecuteAsync<T>(string action, bool opening, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var pipeline = opening ? _openPipeline : _pipeline;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (ctx, op) => await op(ctx.CancellationToken).ConfigureAwait(false), context, operation).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            var last = context.Properties.TryGetValue(LastError, out var error) ? $"last error: {Explain(error)}" : "no answer";
            var limit = opening && _options.Timeout > OpenLimit ? OpenLimit : _options.Timeout;
            throw new ArtifactStoreUnavailableException(
                $"the S3 artifact store at {_endpoint} (bucket '{_options.Bucket}') could not be reached for {limit.TotalSeconds:0.#} s while {action} ({last}). "
                + $"Check that the S3 server is running and reachable from this machine and that {S3ArtifactStoreOptions.EndpointVariable} is right; "
                + $"{S3ArtifactStoreOptions.TimeoutVariable} sets how long to keep trying.", error ?? ex);
        }
        catch (AmazonServiceException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Refused(action, ex);
        }
        catch (AmazonClientException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ArtifactStoreUnavailableException(
                $"the S3 artifact store at {_endpoint} (bucket '{_options.Bucket}') failed while {action}: {Explain(ex)}.", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private ArtifactStoreUnavailableException Refused(string action, AmazonServiceException ex)
    {
        var where = $"the S3 artifact store at {_endpoint}";
        var status = $"{(int)ex.StatusCode} {ex.ErrorCode}".Trim();
        var message = ex.StatusCode == HttpStatusCode.Forbidden || ex.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied"
            ? $"{where} refused access to bucket '{_options.Bucket}' while {action} ({status}): check {S3ArtifactStoreOptions.AccessKeyVariable} and "
              + $"{S3ArtifactStoreOptions.SecretKeyVariable}, and that this account may create, read and write the bucket."
            : ex.ErrorCode == "NoSuchBucket"
                ? $"{where} has no bucket '{_options.Bucket}' ({status} while {action}); it is created when the store opens, so it was deleted while in use, "
                  + $"or {S3ArtifactStoreOptions.BucketVariable} names a bucket this endpoint cannot create. Check {S3ArtifactStoreOptions.BucketVariable}."
                : $"{where} (bucket '{_options.Bucket}') answered {status} while {action}: {Scrub(ex.Message)}.";
        return new ArtifactStoreUnavailableException(message, ex);
    }

    private string Explain(Exception ex) => ex switch
    {
        AmazonServiceException service when service.StatusCode != 0 =>
            $"{(int)service.StatusCode} {service.ErrorCode}: {Scrub(service.Message)}",
        _ => $"{ex.GetType().Name}: {Scrub(ex.Message)}",
    };

    /// <summary>The secret is never sent, so no server should echo it; this makes sure no message can carry it.</summary>
    private string Scrub(string text) => text.Replace(_options.SecretKey, "***", StringComparison.Ordinal);

    /// <summary>Worth trying again: the server was not there, broke off, or said it was overloaded or failing.</summary>
    internal static bool IsTransient(Exception ex, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return ex switch
        {
            // A server that answered: its status says whether asking again can help (403, 404, 400 cannot).
            AmazonServiceException service when service.StatusCode != 0 => (int)service.StatusCode >= 500
                || service.StatusCode == HttpStatusCode.TooManyRequests
                || service.ErrorCode is "RequestTimeout" or "SlowDown" or "InternalError" or "ServiceUnavailable",
            HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException => true,
            // HttpClient's own timeout: a cancellation nobody asked for.
            OperationCanceledException => true,
            _ => ex.InnerException is { } inner && IsTransient(inner, cancellationToken),
        };
    }
}
