using System.Globalization;
using Discernus.Spelling;

namespace Discernus.Configuration;

/// <summary>
/// Every setting Discernus reads, in one place: `discernus config` shows them with their sources, and the composition
/// root checks every given value against its definition before any work starts, so a malformed value is an error
/// and a misspelt DISCERNUS_ name a warning with the likely intended name, never silently ignored.
/// </summary>
public static class SettingCatalog
{
    public const string Prefix = "DISCERNUS_";

    /// <summary>The folder store's location; unset, <see cref="DefaultStoreFolderIn"/> applies.</summary>
    public const string StoreFolderVariable = "DISCERNUS_ARTIFACTS_DIR";

    /// <summary>The folder store's default place: <c>.discernus/artifacts</c> inside <paramref name="directory"/>.</summary>
    public static string DefaultStoreFolderIn(string directory) => Path.Combine(directory, ".discernus", "artifacts");

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        // Models
        Setting(SettingNames.DefaultModel, "Models", "Model used when neither --model nor the experiment names one", "lexicon"),
        Secret("OPENAI_API_KEY", "Models", "OpenAI API key"),
        Secret("ANTHROPIC_API_KEY", "Models", "Anthropic API key"),
        Secret("GEMINI_API_KEY", "Models", "Gemini API key"),
        Secret("GOOGLE_API_KEY", "Models", "Gemini API key (alternative name)"),
        Secret("OPENROUTER_API_KEY", "Models", "OpenRouter API key"),
        Secret("DISCERNUS_OPENAI_COMPATIBLE_API_KEY", "Models", "API key of an OpenAI-compatible server (optional)"),
        Url("OPENAI_BASE_URL", "Models", "OpenAI endpoint", "https://api.openai.com/v1"),
        Url("ANTHROPIC_BASE_URL", "Models", "Anthropic endpoint", "https://api.anthropic.com"),
        Url("GEMINI_BASE_URL", "Models", "Gemini's OpenAI-compatible endpoint", "https://generativelanguage.googleapis.com/v1beta/openai/"),
        Url("OPENROUTER_BASE_URL", "Models", "OpenRouter endpoint", "https://openrouter.ai/api/v1"),
        Url("OLLAMA_BASE_URL", "Models", "Ollama endpoint", "http://localhost:11434/v1"),
        Url("DISCERNUS_OPENAI_COMPATIBLE_BASE_URL", "Models", "Endpoint of an OpenAI-compatible server (openai-compatible/<model>)", "none"),
        Integer("DISCERNUS_MODEL_TIMEOUT_SECONDS", "Models", "Time limit of one model call attempt, in seconds", "120", 1, 3600),
        Integer("DISCERNUS_MODEL_MAX_RETRIES", "Models", "Retries of a model call after 429, 5xx or a timeout", "3", 0, 20),
        Integer("DISCERNUS_MODEL_REQUESTS_PER_MINUTE", "Models", "Requests per minute per provider endpoint, shared by the process (and by every worker on one Redis); 0 = no limit", "no limit", 0, 1_000_000),
        Integer("DISCERNUS_MODEL_TOKENS_PER_MINUTE", "Models", "Tokens per minute per provider endpoint, shared like the request limit; 0 = no limit", "no limit", 0, 1_000_000_000),
        Integer("DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS", "Models", "How long tasks wait for a model endpoint that answered before and then went away (no connection, server errors, time-outs, only 429s) before the run fails, resumable", "900", 1, 86_400),

        // Coordination
        Setting(RedisSettings.UrlVariable, "Coordination", "External Redis 6.2+, Valkey or Garnet (redis://[user:password@]host:port[/db]); unset = embedded Garnet in the process", "embedded Garnet", secret: false, check: RedisUrl),
        Setting(RedisSettings.PrefixVariable, "Coordination", "Key prefix, so several installations share one Redis", RedisSettings.DefaultPrefix, check: v => v.Any(char.IsWhiteSpace) ? "a prefix without white space, e.g. 'discernus:'" : null),
        Setting(RedisSettings.EvictionVariable, "Coordination", "What `run` and `worker` do on an external Redis whose maxmemory-policy may evict keys: refuse to start, or warn (loudly) and go on", "refuse",
            check: v => v.Trim().ToLowerInvariant() is "refuse" or "warn" ? null : "refuse or warn"),
        Integer(RedisSettings.OutageVariable, "Coordination", "How long a Redis outage is ridden out before a process's loops give up (and it exits non-zero)", "300", 1, 86_400),
        Integer(SettingNames.StallTimeoutSeconds, "Orchestration", "A stage with no completion for this long fails the run with a diagnosis", "600", 1, 86_400),
        Integer(SettingNames.AgentTimeoutSeconds, "Orchestration", "With --isolation process: a task's child process running longer is killed and the task counts as crashed", "1800", 1, 86_400),
        Setting(SettingNames.FaultInjectAgentCrash, "Orchestration", "Testing aid of the fault tests, never for use: <failfast|stackoverflow|exit>:<sha256>[,...] makes a child agent process crash when its task names that hash", "none",
            check: v => AgentCrashInjectionFormat.Problem(v) is null ? null : "<failfast|stackoverflow|exit>:<64-digit lowercase sha256>, comma-separated"),

        // Artifacts
        Setting("DISCERNUS_ARTIFACT_STORE", "Artifacts", "Artifact store backend: folder or s3", "folder", check: v => v.Trim().ToLowerInvariant() is "folder" or "s3" ? null : "folder or s3"),
        Setting(StoreFolderVariable, "Artifacts", "Folder store location", ".discernus/artifacts beside the experiment folders (worker: in its working folder)", check: PathCheck),
        Url("DISCERNUS_S3_ENDPOINT", "Artifacts", "S3 endpoint (MinIO, AWS, Ceph, Garage), e.g. http://127.0.0.1:9000", "none"),
        Setting("DISCERNUS_S3_BUCKET", "Artifacts", "S3 bucket (created if missing)", "none"),
        Setting("DISCERNUS_S3_ACCESS_KEY", "Artifacts", "S3 access key", "none"),
        Secret("DISCERNUS_S3_SECRET_KEY", "Artifacts", "S3 secret key"),
        Setting("DISCERNUS_S3_REGION", "Artifacts", "S3 signing region", "us-east-1"),
        Number("DISCERNUS_S3_TIMEOUT_SECONDS", "Artifacts", "How long one store operation may take, retries included, in seconds", "60", 1, 3600),
        Boolean("DISCERNUS_S3_ALLOW_HTTP", "Artifacts", "Allow plain http to an S3 endpoint that is not on loopback", "false"),

        // Batches (`run --batch`)
        Integer("DISCERNUS_BATCH_MAX_REQUESTS_PER_FILE", "Batches", "Requests per provider batch file", "50000", 1, 50_000),
        Integer("DISCERNUS_BATCH_MAX_FILE_BYTES", "Batches", "Bytes per provider batch file", "199229440 (190 MB)", 1024, 200L * 1024 * 1024),
        Number("DISCERNUS_BATCH_POLL_SECONDS", "Batches", "First wait between two looks at a provider batch; it doubles up to the maximum", "10", 0.01, 3600),
        Number("DISCERNUS_BATCH_MAX_POLL_SECONDS", "Batches", "Longest wait between two looks at a provider batch", "120", 0.01, 3600),

        // Experiments
        Integer("DISCERNUS_MAX_DOCUMENT_BYTES", "Experiments", "Largest document file read", "20971520 (20 MB)", 1, long.MaxValue),
        Integer("DISCERNUS_MAX_DOCUMENTS", "Experiments", "Most documents in one corpus", "1000000", 1, 10_000_000),
        Integer("DISCERNUS_MAX_EXTRACTED_CHARS", "Experiments", "Most characters of text taken from one PDF or DOCX", "20000000", 1, long.MaxValue),
        Integer("DISCERNUS_MAX_DIMENSIONS", "Experiments", "Most dimensions in one framework", "100", 1, 100_000),
        Integer("DISCERNUS_MAX_METADATA_CHARS", "Experiments", "Most characters of one metadata value in the corpus manifest", "10000", 1, int.MaxValue),
        Integer("DISCERNUS_MAX_REPORT_BYTES", "Experiments", "Most bytes of report.md or report.html; past it the report keeps its first sections and says where the rest is", "20000000", 10_000, long.MaxValue),
        Integer("DISCERNUS_MAX_PDF_PAGES", "Experiments", "Most pages read from one PDF", "10000", 1, 10_000_000),
        Integer("DISCERNUS_MAX_PDF_STREAM_BYTES", "Experiments", "Most bytes one PDF stream may inflate to (measured before it is decoded)", "33554432 (32 MB)", 1, long.MaxValue),
        Integer("DISCERNUS_MAX_PDF_PAGE_OPERATIONS", "Experiments", "Most operators plus bytes of text one PDF page may draw (a dense page of text has about 10,000)", "200000", 1, long.MaxValue),

        // Cli
        Setting("DISCERNUS_LOG_DIR", "Cli", "Folder of the per-process JSONL logs of run and worker", "~/.discernus/logs", check: PathCheck),

        // Telemetry (docs/operations.md): nothing is exported unless one of these is set
        Url(SettingNames.OtlpEndpoint, "Telemetry", "OTLP endpoint for traces and metrics of run and worker (gRPC, e.g. http://collector:4317; http/protobuf with OTEL_EXPORTER_OTLP_PROTOCOL)", "none (or OTEL_EXPORTER_OTLP_ENDPOINT)"),
        Url(SettingNames.StandardOtlpEndpoint, "Telemetry", "The standard OpenTelemetry name of the OTLP endpoint, used when DISCERNUS_OTLP_ENDPOINT is unset", "none"),
        Setting(SettingNames.OtlpProtocol, "Telemetry", "OTLP protocol: grpc or http/protobuf", "grpc", check: v => v.Trim() is "grpc" or "http/protobuf" ? null : "grpc or http/protobuf"),
        Setting(SettingNames.SpanFile, "Telemetry", "Write every span as one JSON line to this file ({pid} becomes the process id): for tests and debugging without a collector", "none", check: PathCheck),
        Integer(SettingNames.MetricsPort, "Telemetry", "worker: serve Prometheus metrics at http://<any address>:<port>/metrics (--metrics-port)", "none", 1, 65_535),
        Integer(SettingNames.HealthPort, "Telemetry", "worker: serve /healthz and /readyz on this port (--health-port)", "none", 1, 65_535),
    ];

    private static readonly System.Collections.Frozen.FrozenDictionary<string, SettingDefinition> ByName =
        System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(All, s => s.Name, StringComparer.Ordinal);

    /// <summary>The coordination settings, read the one way every component uses (blank counts as unset).</summary>
    public static RedisSettings Redis(IReadOnlyDictionary<string, string?> values)
    {
        var settings = values as SettingValues ?? SettingValues.From(values);
        return new RedisSettings
        {
            Url = settings.Text(RedisSettings.UrlVariable),
            Prefix = settings.Text(RedisSettings.PrefixVariable) ?? RedisSettings.DefaultPrefix,
            OutageLimit = WholeSeconds(settings, RedisSettings.OutageVariable),
            RefuseEvicting = !string.Equals(settings.Text(RedisSettings.EvictionVariable), "warn", StringComparison.OrdinalIgnoreCase),
        };
    }

    public static SettingDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>A whole-number setting within the bounds its definition states; null when unset; a <see cref="SettingException"/> when malformed.</summary>
    public static long? WholeNumber(IReadOnlyDictionary<string, string?> values, string name)
    {
        var (min, max) = Defined(name).Range ?? throw new InvalidOperationException($"{name} is not a whole-number setting.");
        return (values as SettingValues ?? SettingValues.From(values)).Integer(name, min, max);
    }

    /// <summary>A whole number of seconds within the bounds its definition states; null when unset; a <see cref="SettingException"/> when malformed.</summary>
    public static TimeSpan? WholeSeconds(IReadOnlyDictionary<string, string?> values, string name) =>
        WholeNumber(values, name) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>A decimal number of seconds within the bounds its definition states; null when unset; a <see cref="SettingException"/> when malformed.</summary>
    public static TimeSpan? Seconds(IReadOnlyDictionary<string, string?> values, string name)
    {
        var (min, max) = Defined(name).DecimalRange ?? throw new InvalidOperationException($"{name} is not a decimal setting.");
        return (values as SettingValues ?? SettingValues.From(values)).Seconds(name, min, max);
    }

    /// <summary>An http(s) URL setting; null when unset; a <see cref="SettingException"/> when it is not one.</summary>
    public static Uri? HttpUrl(IReadOnlyDictionary<string, string?> values, string name)
    {
        var definition = Defined(name);
        var settings = values as SettingValues ?? SettingValues.From(values);
        if (settings.Text(name) is not { } text)
        {
            return null;
        }

        return definition.Check(text) is { } expected ? throw settings.Invalid(name, text, expected) : new Uri(text, UriKind.Absolute);
    }

    /// <summary>A text setting that passed its definition's check; null when unset; a <see cref="SettingException"/> when it fails the check.</summary>
    public static string? Checked(IReadOnlyDictionary<string, string?> values, string name)
    {
        var definition = Defined(name);
        var settings = values as SettingValues ?? SettingValues.From(values);
        var text = settings.Text(name);
        return text is not null && definition.Check(text) is { } expected ? throw settings.Invalid(name, text, expected) : text;
    }

    // A reader asked for a name the catalog lacks is a programming error: every setting read must be listed for `config`.
    private static SettingDefinition Defined(string name) =>
        ByName.GetValueOrDefault(name) ?? throw new InvalidOperationException($"{name} is not in the setting catalog; add it to SettingCatalog.All.");

    public static bool IsSecret(string name) =>
        ByName.TryGetValue(name, out var definition) ? definition.IsSecret : name.EndsWith("_KEY", StringComparison.Ordinal) || name.Contains("PASSWORD", StringComparison.Ordinal);

    public static string DefaultOf(string name) => ByName.TryGetValue(name, out var definition) ? definition.Default : "none";

    /// <summary>A value as it may be shown: masked for secrets, without a password for URLs.</summary>
    public static string Display(string name, string value) =>
        ByName.TryGetValue(name, out var definition) ? definition.Display(value) : IsSecret(name) ? Masked : WithoutPassword(value);

    public const string Masked = "*** (set)";

    /// <summary>Removes any password from a URL or URL-like text (user:password@host, ...password=...), whatever its form.</summary>
    public static string WithoutPassword(string text)
    {
        var at = text.LastIndexOf('@');
        if (at > 0)
        {
            var start = text.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 && scheme < at ? scheme + 3 : 0;
            var userInfo = text[start..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            text = text[..start] + (colon >= 0 ? userInfo[..colon] + ":***" : "***") + text[at..];
        }

        return System.Text.RegularExpressions.Regex.Replace(text, "(password|pwd)=[^,;&]*", "$1=***", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    }

    /// <summary>
    /// Checks every given setting against its definition. Errors are values Discernus cannot use; warnings are
    /// DISCERNUS_ names it does not know (with the closest known one), since a typo would otherwise be ignored.
    /// </summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) Check(SettingValues values)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var name in values.Keys.Order(StringComparer.Ordinal))
        {
            var text = values.Text(name);
            if (ByName.TryGetValue(name, out var definition))
            {
                if (text is not null && definition.Check(text) is { } expected)
                {
                    errors.Add(values.Invalid(name, text, expected).Message);
                }
            }
            else if (name.StartsWith(Prefix, StringComparison.Ordinal) && !name.StartsWith(Prefix + "TEST_", StringComparison.Ordinal))
            {
                var closest = All.Select(s => s.Name).MinBy(known => EditDistance.Within(known, name, 3));
                warnings.Add($"{name} (from {values.SourceOf(name)}) is not a Discernus setting and is ignored" +
                    (closest is not null && EditDistance.Within(closest, name, 3) <= 3 ? $"; did you mean {closest}?" : "; `discernus config` lists the settings."));
            }
        }

        return (errors, warnings);
    }

    private static SettingDefinition Setting(string name, string component, string description, string @default, bool secret = false, Func<string, string?>? check = null) =>
        new()
        {
            Name = name,
            Component = component,
            Description = description,
            Default = @default,
            IsSecret = secret,
            Check = check ?? (_ => null),
            Display = secret ? _ => Masked : WithoutPassword,
        };

    private static SettingDefinition Secret(string name, string component, string description) =>
        Setting(name, component, description, "none", secret: true);

    private static SettingDefinition Integer(string name, string component, string description, string @default, long min, long max) =>
        Setting(name, component, description, @default, check: v =>
            long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}")) with
        { Range = (min, max) };

    private static SettingDefinition Number(string name, string component, string description, string @default, double min, double max) =>
        Setting(name, component, description, @default, check: v =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n >= min && n <= max
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"a number from {min} to {max}")) with
        { DecimalRange = (min, max) };

    private static SettingDefinition Boolean(string name, string component, string description, string @default) =>
        Setting(name, component, description, @default, check: v => Flag(v) is null ? "true or false" : null);

    /// <summary>The one reading of a true/false setting (1/0, true/false, yes/no, on/off); null when the text is none of them.</summary>
    public static bool? Flag(string text) => text.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => null,
    };

    private static SettingDefinition Url(string name, string component, string description, string @default) =>
        Setting(name, component, description, @default, check: v =>
            Uri.TryCreate(v.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
                ? null
                : "an http:// or https:// URL");

    private static string? RedisUrl(string value)
    {
        var text = value.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            return text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
                ? (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? null : "redis://[user:password@]host:port[/db]")
                : "a redis:// or rediss:// URL, or host:port";
        }

        return text.Length > 0 && !text.Any(char.IsWhiteSpace) ? null : "redis://[user:password@]host:port[/db] or host:port";
    }

    private static string? PathCheck(string value) =>
        value.IndexOfAny(['\0']) >= 0 || value.Trim().Length == 0 ? "the path of a folder" : null;
}
