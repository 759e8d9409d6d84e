using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Discernus.Content;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Discernus.Artifacts;

/// <summary>
/// Artifacts in an S3-protocol bucket (MinIO, AWS S3, Ceph, Garage), addressed path-style: objects under
/// <c>sha256/ab/cdef…</c>, refs under <c>refs/&lt;name&gt;</c>. Uploads are sent whole (no aws-chunked encoding,
/// no checksum trailers) so that every server stores exactly the bytes given; reads are hash-checked by the
/// <see cref="HashVerifyingArtifactStore"/> the factory wraps around this. Transient failures (connection refused,
/// 5xx, timeouts) are retried with exponential backoff for at most <see cref="S3ArtifactStoreOptions.Timeout"/>;
/// refusals (403, a missing bucket) are not.
/// </summary>
internal sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    internal const string ObjectPrefix = "sha256/";
    internal const string RefPrefix = "refs/";

    private readonly S3ArtifactStoreOptions _options;
    private readonly string _endpoint;
    private readonly AmazonS3Client _client;
    private readonly S3CallPolicy _calls;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _bucketGate = new(1, 1);
    private volatile bool _bucketReady;

    public S3ArtifactStore(S3ArtifactStoreOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        options.Validate();
        _options = options;
        _endpoint = options.EndpointUri.OriginalString;
        _logger = logger ?? NullLogger.Instance;
        var config = new AmazonS3Config
        {
            ServiceURL = _endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            IgnoreConfiguredEndpointUrls = true,
            // Our pipeline is the only retrier, so its time bound is the real one.
            MaxErrorRetry = 0,
            Timeout = options.Timeout,
            ConnectTimeout = options.Timeout < TimeSpan.FromSeconds(10) ? options.Timeout : TimeSpan.FromSeconds(10),
            // The SDK's default flexible checksums add headers or aws-chunked trailers that not every S3-compatible
            // server understands (s3rver stores trailers verbatim); integrity comes from Content-MD5, the signed
            // payload hash and our SHA-256 check on read.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        _calls = new S3CallPolicy(options, _endpoint, timeProvider ?? TimeProvider.System, _logger);
    }

    public string Description => $"S3 bucket '{_options.Bucket}' at {_endpoint}";

    public string Identity => _options.Identity;

    internal static string ObjectKey(string hash) => $"{ObjectPrefix}{hash[..2]}/{hash[2..]}";

    internal static string RefKey(string name) => RefPrefix + name;

    /// <summary>
    /// Checks that the endpoint answers and the credentials are accepted, and creates the bucket if it is missing.
    /// Done once; every other call does it first if it has not been done.
    /// </summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken = default)
    {
        if (_bucketReady)
        {
            return;
        }

        await _bucketGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_bucketReady)
            {
                return;
            }

            await _calls.ExecuteAsync("checking the bucket at start", opening: true, async token =>
            {
                if (!await BucketExistsAsync(token).ConfigureAwait(false))
                {
                    await CreateBucketAsync(token).ConfigureAwait(false);
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);
            _bucketReady = true;
        }
        finally
        {
            _bucketGate.Release();
        }
    }

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var hash = Hashing.Sha256Hex(content.Span);
        var key = ObjectKey(hash);
        var md5 = MD5.HashData(content.Span);
        await _calls.ExecuteAsync($"writing {key}", opening: false, async token =>
        {
            // An existing object is kept only if it holds these bytes: same length and the server's MD5 ETag
            // (single-part uploads) or, where the ETag is something else, the SHA-256 of a read-back.
            if (await IsIntactAsync(key, content.Length, md5, async t => await ReadAsync(key, t).ConfigureAwait(false) is { } bytes && Hashing.Sha256Hex(bytes) == hash, token)
                .ConfigureAwait(false))
            {
                return true;
            }

            await WriteAsync(key, content, md5, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return hash;
    }

    public async Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var (hash, md5, length) = await HashFileAsync(path, cancellationToken).ConfigureAwait(false);
        var key = ObjectKey(hash);
        await _calls.ExecuteAsync($"writing {key}", opening: false, async token =>
        {
            // As in PutAsync, with the read-back hashed as it streams in: a large object is never held in memory.
            if (await IsIntactAsync(key, length, md5, async t => await ReadHashAsync(key, t).ConfigureAwait(false) == hash, token).ConfigureAwait(false))
            {
                return true;
            }

            // A fresh stream per attempt; Content-MD5 makes the server refuse the body if the file changed since it was hashed.
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await WriteAsync(key, stream, md5, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return hash;
    }

    public async Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var key = ObjectKey(hash);
        return await _calls.ExecuteAsync($"reading {key}", opening: false, token => ReadAsync(key, token), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        ArgumentNullException.ThrowIfNull(path);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var key = ObjectKey(hash);
        return await _calls.ExecuteAsync($"reading {key}", opening: false, async token =>
        {
            using var response = await OpenAsync(key, token).ConfigureAwait(false);
            if (response is null)
            {
                // No file, not even one an earlier attempt began.
                File.Delete(path);
                return false;
            }

            // A retry starts the file again.
            await using var to = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            await response.ResponseStream.CopyToAsync(to, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var key = ObjectKey(hash);
        return await _calls.ExecuteAsync($"checking {key}", opening: false, async token => await HeadAsync(key, token).ConfigureAwait(false) is not null, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValidRef(name);
        ArtifactKeys.EnsureValid(hash);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var key = RefKey(name);
        var bytes = System.Text.Encoding.ASCII.GetBytes(hash);
        await _calls.ExecuteAsync($"writing {key}", opening: false, async token =>
        {
            await WriteAsync(key, bytes, MD5.HashData(bytes), token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValidRef(name);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var key = RefKey(name);
        byte[]? bytes;
        try
        {
            bytes = await _calls.ExecuteAsync($"reading {key}", opening: false, token => ReadAsync(key, token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadableObject(ex)
            || ex is ArtifactStoreUnavailableException { InnerException: AmazonServiceException { StatusCode: HttpStatusCode.InternalServerError } })
        {
            // A ref is a pointer any writer may set again: one the client cannot read back, or that the server answered
            // 500 for throughout the timeout while it answered at all, is as good as unset. Were the whole server failing,
            // the write that follows a miss fails too and says so.
            _logger.LogWarning("S3 artifact store at {Endpoint}: the ref {Key} cannot be read back ({Error}); it is treated as unset and written again", _endpoint, key, ex.Message);
            return null;
        }

        var value = bytes is null ? null : System.Text.Encoding.ASCII.GetString(bytes).Trim();
        return Hashing.IsSha256Hex(value) ? value : null;
    }

    /// <summary>
    /// Whether the object under <paramref name="key"/> already holds the bytes about to be written. An object the server
    /// cannot serve (s3rver stopped while writing it leaves its data and metadata files out of step, and then answers
    /// 500, or an ETag the SDK cannot parse, for that key alone) counts as damaged and is written over: checked first, it
    /// would fail every retry of the task that stores it, until the stall timeout.
    /// </summary>
    private async Task<bool> IsIntactAsync(string key, long length, byte[] md5, Func<CancellationToken, Task<bool>> readBackMatches, CancellationToken cancellationToken)
    {
        try
        {
            return await HeadAsync(key, cancellationToken).ConfigureAwait(false) is { } existing && existing.Length == length
                && (string.Equals(existing.ETag.Trim('"'), Convert.ToHexStringLower(md5), StringComparison.OrdinalIgnoreCase)
                    || await readBackMatches(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is AmazonServiceException || IsUnreadableObject(ex))
        {
            // The server answered for this key (a connection failure is not caught: the write would meet it too).
            _logger.LogWarning("S3 artifact store at {Endpoint}: the existing {Key} cannot be checked ({Error}); it is written again", _endpoint, key, ex.Message);
            return false;
        }
    }

    /// <summary>A failure of one object's content or metadata, not of the server or the connection.</summary>
    private static bool IsUnreadableObject(Exception ex) => ex is ArgumentException or FormatException or InvalidDataException;

    public void Dispose()
    {
        _client.Dispose();
        _bucketGate.Dispose();
    }

    private async Task<bool> BucketExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.HeadBucketAsync(new HeadBucketRequest { BucketName = _options.Bucket }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task CreateBucketAsync(CancellationToken cancellationToken)
    {
        var request = new PutBucketRequest { BucketName = _options.Bucket };
        if (!string.Equals(_options.Region, S3ArtifactStoreOptions.DefaultRegion, StringComparison.Ordinal))
        {
            request.BucketRegionName = _options.Region;
        }

        try
        {
            await _client.PutBucketAsync(request, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Created bucket {Bucket} at {Endpoint} for the artifact store", _options.Bucket, _endpoint);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Another process created it between our check and our request; a bucket owned by someone else fails
            // the check again, with a 403 that names the credentials.
            if (!await BucketExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    private async Task<ObjectHead?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            return new ObjectHead(head.ContentLength, head.ETag ?? "");
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The object's response (its body still to be read), or null when there is no such key.</summary>
    private async Task<GetObjectResponse?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey")
        {
            return null;
        }
    }

    private async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await OpenAsync(key, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        using var buffer = new MemoryStream(response.ContentLength is > 0 and < int.MaxValue ? (int)response.ContentLength : 0);
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task<(string Sha256, byte[] Md5, long Length)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        using var sha = Hashing.Incremental();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            length += read;
        }

        return (Hashing.Hex(sha), md5.GetHashAndReset(), length);
    }

    private async Task<string?> ReadHashAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await OpenAsync(key, cancellationToken).ConfigureAwait(false);
        return response is null ? null : await Hashing.Sha256HexAsync(response.ResponseStream, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string key, ReadOnlyMemory<byte> content, byte[] md5, CancellationToken cancellationToken)
    {
        // A fresh stream per attempt: a retried request must send the bytes from the start.
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        await WriteAsync(key, stream, md5, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string key, Stream stream, byte[] md5, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            InputStream = stream,
            AutoCloseStream = false,
            ContentType = "application/octet-stream",
            // The whole body in one signed request: aws-chunked bodies are stored verbatim by some servers.
            UseChunkEncoding = false,
            // Content-MD5 lets the server refuse a body damaged on the way.
            MD5Digest = Convert.ToBase64String(md5),
        };
        await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private sealed record ObjectHead(long Length, string ETag);
}
