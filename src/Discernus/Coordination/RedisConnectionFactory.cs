using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Turns <c>DISCERNUS_REDIS_URL</c> into StackExchange.Redis options and opens connections. Accepts
/// <c>redis://[user:password@]host:port[/db]</c>, <c>rediss://</c> (TLS), a plain <c>host:port</c> or any
/// StackExchange.Redis configuration string. <see cref="Description"/> is what logs and messages show: it never
/// contains the password.
/// </summary>
internal sealed class RedisConnectionFactory
{
    public const string UrlEnvironmentVariable = Configuration.RedisSettings.UrlVariable;
    public const int DefaultPort = 6379;
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultAsyncTimeout = TimeSpan.FromSeconds(5);

    private readonly ConfigurationOptions _template;

    private RedisConnectionFactory(ConfigurationOptions template, string description)
    {
        _template = template;
        Description = description;
    }

    /// <summary>Where the connection goes, safe to print: the password is shown as ***.</summary>
    public string Description { get; }

    public static RedisConnectionFactory Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.Trim();
        if (text.Length == 0)
        {
            throw new FormatException($"{UrlEnvironmentVariable} is empty; expected redis://[user:password@]host:port[/db] or host:port.");
        }

        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ParseUrl(text);
        }

        if (!text.Contains("://", StringComparison.Ordinal) && text.Contains('@', StringComparison.Ordinal))
        {
            // user:password@host:port without a scheme is a URL missing its redis://, not a host name with an '@'.
            return ParseUrl("redis://" + text);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new FormatException(
                $"{UrlEnvironmentVariable} has an unsupported scheme in '{Redact(text)}'; expected redis://, rediss:// or host:port.");
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException ex)
        {
            // The client's message may quote the option text, password included: only the kind of problem is kept.
            throw new FormatException($"{UrlEnvironmentVariable} '{Redact(text)}' is not a valid Redis address ({Configuration.SettingCatalog.WithoutPassword(ex.Message)}); expected redis://[user:password@]host:port[/db] or host:port.", ex);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new FormatException($"{UrlEnvironmentVariable} names no host; expected host:port.");
        }

        ApplyDefaults(options);
        return new RedisConnectionFactory(options, Describe(options));
    }

    public static RedisConnectionFactory ForEndPoint(EndPoint endPoint)
    {
        var options = new ConfigurationOptions();
        options.EndPoints.Add(endPoint);
        ApplyDefaults(options);
        return new RedisConnectionFactory(options, Describe(options));
    }

    /// <summary>
    /// A fresh copy of the options. <paramref name="minimumAsyncTimeout"/> lets a dedicated blocking connection
    /// wait longer than its server-side block time without the client declaring a timeout.
    /// </summary>
    public ConfigurationOptions CreateOptions(string? clientName = null, TimeSpan? minimumAsyncTimeout = null)
    {
        var options = _template.Clone();
        if (clientName is not null)
        {
            options.ClientName = clientName;
        }

        if (minimumAsyncTimeout is { } minimum && options.AsyncTimeout < minimum.TotalMilliseconds)
        {
            options.AsyncTimeout = (int)Math.Ceiling(minimum.TotalMilliseconds);
        }

        return options;
    }

    public async Task<ConnectionMultiplexer> ConnectAsync(string? clientName = null, TimeSpan? minimumAsyncTimeout = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connecting = ConnectionMultiplexer.ConnectAsync(CreateOptions(clientName, minimumAsyncTimeout));
        try
        {
            return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Do not leak the multiplexer the abandoned connect will still produce.
            _ = connecting.ContinueWith(
                t => t.Result.Dispose(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
            throw;
        }
    }

    public override string ToString() => Description;

    private static RedisConnectionFactory ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException(
                $"{UrlEnvironmentVariable} '{Redact(text)}' is not a valid URL; expected redis://[user:password@]host:port[/db].");
        }

        var tls = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase);
        var port = uri.Port > 0 ? uri.Port : DefaultPort;
        var host = uri.Host.StartsWith('[') ? uri.Host.Trim('[', ']') : uri.Host;

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                // A user name alone cannot authenticate; redis://secret@host means the password (legacy AUTH).
                password = Uri.UnescapeDataString(uri.UserInfo);
            }
            else
            {
                user = Uri.UnescapeDataString(uri.UserInfo[..colon]);
                password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                if (user.Length == 0)
                {
                    user = null;
                }
            }
        }

        int? database = null;
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
            {
                throw new FormatException(
                    $"{UrlEnvironmentVariable} '{Redact(text)}' has database '{path}'; expected a number, as in redis://host:6379/0.");
            }

            database = db;
        }

        var options = new ConfigurationOptions { Ssl = tls, User = user, Password = password, DefaultDatabase = database };
        if (tls)
        {
            options.SslHost = host;
        }

        options.EndPoints.Add(IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port));
        ApplyDefaults(options);

        return new RedisConnectionFactory(options, Describe(options));
    }

    /// <summary>The same URL form for every input, with the password replaced by ***.</summary>
    private static string Describe(ConfigurationOptions options)
    {
        var credentials = (options.User, options.Password) switch
        {
            (null or "", null or "") => "",
            (_, null or "") => options.User + "@",
            _ => options.User + ":***@",
        };
        var hosts = string.Join(",", options.EndPoints.Select(endPoint => endPoint switch
        {
            DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{(dns.Port > 0 ? dns.Port : DefaultPort)}"),
            IPEndPoint ip => ip.ToString(),
            _ => endPoint.ToString(),
        }));
        var database = options.DefaultDatabase is { } db ? "/" + db.ToString(CultureInfo.InvariantCulture) : "";
        return $"{(options.Ssl ? "rediss" : "redis")}://{credentials}{hosts}{database}";
    }

    private static void ApplyDefaults(ConfigurationOptions options)
    {
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = (int)DefaultConnectTimeout.TotalMilliseconds;
        options.AsyncTimeout = Math.Max(options.AsyncTimeout, (int)DefaultAsyncTimeout.TotalMilliseconds);
        options.SyncTimeout = Math.Max(options.SyncTimeout, (int)DefaultAsyncTimeout.TotalMilliseconds);
        options.ConnectRetry = Math.Max(options.ConnectRetry, 3);
        options.ClientName ??= "discernus";
    }

    /// <summary>Removes any password from a URL we could not parse (every form), for use in error messages.</summary>
    private static string Redact(string text) => Configuration.SettingCatalog.WithoutPassword(text);
}
