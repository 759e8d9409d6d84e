using System.Globalization;
using System.Text;
using Discernus.Configuration;

namespace Discernus.Artifacts;

/// <summary>
/// Where an S3-protocol store is (MinIO, AWS S3, Ceph, Garage) and how to sign in. Plain settable properties so a
/// configuration binder can fill it; <see cref="Validate"/> is the one check, whatever filled it. The secret key
/// never appears in <see cref="ToString"/>, <see cref="Identity"/> or any message.
/// </summary>
internal sealed record S3ArtifactStoreOptions
{
    public const string EndpointVariable = "DISCERNUS_S3_ENDPOINT";
    public const string BucketVariable = "DISCERNUS_S3_BUCKET";
    public const string AccessKeyVariable = "DISCERNUS_S3_ACCESS_KEY";
    public const string SecretKeyVariable = "DISCERNUS_S3_SECRET_KEY";
    public const string RegionVariable = "DISCERNUS_S3_REGION";
    public const string TimeoutVariable = "DISCERNUS_S3_TIMEOUT_SECONDS";
    public const string AllowHttpVariable = "DISCERNUS_S3_ALLOW_HTTP";

    public const string DefaultRegion = "us-east-1";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:9000</c>; buckets are addressed path-style under it.</summary>
    public string Endpoint { get; init; } = "";

    public string Bucket { get; init; } = "";

    public string AccessKey { get; init; } = "";

    public string SecretKey { get; init; } = "";

    /// <summary>The signing region; MinIO and s3rver accept any, AWS needs the bucket's.</summary>
    public string Region { get; init; } = DefaultRegion;

    /// <summary>
    /// How long one store operation may take, retries included: a briefly stopped server is waited for, a dead one
    /// fails with its endpoint named once this has passed.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Plain http to a host that is not loopback sends the artifacts unencrypted; only on request.</summary>
    public bool AllowHttp { get; init; }

    /// <summary>The endpoint as a URI, normalised (lowercase scheme and host, no default port, no trailing slash).</summary>
    public Uri EndpointUri => new(NormalizedEndpoint(Endpoint) ?? throw new ArtifactStoreConfigurationException(Problems()[0]));

    /// <summary><c>s3:&lt;endpoint&gt;/&lt;bucket&gt;</c>: the same for every process that reaches the same bucket.</summary>
    public string Identity => $"s3:{EndpointUri.OriginalString}/{Bucket}";

    /// <summary>Reads the <c>DISCERNUS_S3_*</c> variables; a missing or malformed one is an error naming it and the fix.</summary>
    public static S3ArtifactStoreOptions FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var problems = new List<string>();
        // Read through the settings' own typed getters (one parser for every setting); a bad value is collected with
        // the others, so one message lists everything to fix.
        var settings = environment as SettingValues ?? SettingValues.From(environment);
        var timeout = Read(() => SettingCatalog.Seconds(settings, TimeoutVariable), problems) ?? DefaultTimeout;
        var allowHttp = Read(() => settings.Flag(AllowHttpVariable), problems) ?? false;

        var options = new S3ArtifactStoreOptions
        {
            Endpoint = Value(environment, EndpointVariable) ?? "",
            Bucket = Value(environment, BucketVariable) ?? "",
            AccessKey = Value(environment, AccessKeyVariable) ?? "",
            // Not trimmed: whitespace around a secret is a mistake to report, not to guess about.
            SecretKey = environment.GetValueOrDefault(SecretKeyVariable) ?? "",
            Region = Value(environment, RegionVariable) ?? DefaultRegion,
            Timeout = timeout,
            AllowHttp = allowHttp,
        };
        problems.AddRange(options.Problems());
        return problems.Count == 0 ? options : throw Failure(problems);
    }

    /// <summary>Throws one <see cref="ArtifactStoreConfigurationException"/> listing every problem, or returns.</summary>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw Failure(problems);
        }
    }

    /// <summary>What is wrong with these settings, one sentence each naming the variable and the fix.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (EndpointProblem(Endpoint, AllowHttp) is { } endpoint)
        {
            problems.Add(endpoint);
        }

        if (BucketProblem(Bucket) is { } bucket)
        {
            problems.Add(bucket);
        }

        if (string.IsNullOrWhiteSpace(AccessKey))
        {
            problems.Add($"{AccessKeyVariable} is not set: set it to the access key id of an account that may create, read and write the bucket (for MinIO, a user or service account; for AWS, an IAM access key).");
        }
        else if (AccessKey.Any(char.IsWhiteSpace))
        {
            problems.Add($"{AccessKeyVariable} contains whitespace: set it to the access key id alone.");
        }

        if (SecretKey.Length == 0)
        {
            problems.Add($"{SecretKeyVariable} is not set: set it to the secret key that belongs to {AccessKeyVariable}.");
        }
        else if (SecretKey.Any(char.IsWhiteSpace))
        {
            // The value itself is never shown.
            problems.Add($"{SecretKeyVariable} contains whitespace (often a stray space or line break from a .env file): set it to the secret key alone.");
        }

        if (string.IsNullOrEmpty(Region) || Region.Length > 64 || !Region.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            problems.Add($"{RegionVariable}='{Region}' is not a region name: set it to the bucket's region (e.g. us-east-1, the default; MinIO accepts any).");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > MaxTimeout)
        {
            problems.Add($"{TimeoutVariable} must be between 1 and {MaxTimeout.TotalSeconds:0} seconds.");
        }

        return problems;
    }

    public override string ToString() =>
        $"S3ArtifactStoreOptions {{ Endpoint = {SafeEndpoint(Endpoint)}, Bucket = {Bucket}, AccessKey = {AccessKey}, SecretKey = {(SecretKey.Length > 0 ? "***" : "(not set)")}, Region = {Region}, Timeout = {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, AllowHttp = {AllowHttp} }}";

    private static ArtifactStoreConfigurationException Failure(IReadOnlyList<string> problems)
    {
        var message = new StringBuilder("DISCERNUS_ARTIFACT_STORE=s3 needs its settings fixed: ");
        message.AppendJoin(" ", problems);
        return new ArtifactStoreConfigurationException(message.ToString());
    }

    private static T? Read<T>(Func<T?> read, List<string> problems)
        where T : struct
    {
        try
        {
            return read();
        }
        catch (SettingException ex)
        {
            problems.Add(ex.Message);
            return null;
        }
    }

    private static string? Value(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.GetValueOrDefault(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string? EndpointProblem(string endpoint, bool allowHttp)
    {
        const string Example = "e.g. http://127.0.0.1:9000 for a local MinIO or https://s3.us-east-1.amazonaws.com for AWS";
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return $"{EndpointVariable} is not set: set it to the S3 server's URL, {Example}.";
        }

        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return $"{EndpointVariable}='{SafeEndpoint(endpoint)}' is not an http:// or https:// URL: set it to the S3 server's URL, {Example}.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return $"{EndpointVariable} contains a user name or password ({SafeEndpoint(endpoint)}): remove it and set {AccessKeyVariable} and {SecretKeyVariable} instead.";
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"{EndpointVariable}='{SafeEndpoint(endpoint)}' has a query or fragment: set it to the server's base URL only, {Example}.";
        }

        if (uri.Scheme == "http" && !uri.IsLoopback && !allowHttp)
        {
            return $"{EndpointVariable}='{SafeEndpoint(endpoint)}' is plain http to a host that is not this machine, so artifacts would travel unencrypted: use https://, or set {AllowHttpVariable}=true if the network is trusted.";
        }

        return null;
    }

    private static string? NormalizedEndpoint(string endpoint)
    {
        if (EndpointProblem(endpoint, allowHttp: true) is not null)
        {
            return null;
        }

        var uri = new Uri(endpoint.Trim());
        var port = uri.IsDefaultPort ? "" : $":{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        return $"{uri.Scheme.ToLowerInvariant()}://{uri.Host.ToLowerInvariant()}{port}{uri.AbsolutePath.TrimEnd('/')}";
    }

    /// <summary>The endpoint as given, with any user name or password cut out, for messages.</summary>
    private static string SafeEndpoint(string endpoint)
    {
        var trimmed = endpoint.Trim();
        var scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        var at = trimmed.LastIndexOf('@');
        return at > 0 ? (scheme >= 0 && scheme < at ? trimmed[..(scheme + 3)] : "") + "***@" + trimmed[(at + 1)..] : trimmed;
    }

    private static string? BucketProblem(string bucket)
    {
        const string Rules = "3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
        if (string.IsNullOrWhiteSpace(bucket))
        {
            return $"{BucketVariable} is not set: set it to the bucket that holds the artifacts, e.g. discernus (created if missing; {Rules}).";
        }

        var valid = bucket.Length is >= 3 and <= 63
            && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            && char.IsAsciiLetterOrDigit(bucket[0]) && char.IsAsciiLetterOrDigit(bucket[^1])
            && !bucket.Contains("..", StringComparison.Ordinal)
            && !System.Net.IPAddress.TryParse(bucket, out _);
        return valid ? null : $"{BucketVariable}='{bucket}' is not a valid bucket name: use {Rules}.";
    }
}
