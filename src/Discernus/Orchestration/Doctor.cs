using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;

namespace Discernus.Orchestration;

/// <summary>
/// <c>discernus doctor</c>: checks what a run needs before one is started, each with what to fix. Redis (or the
/// embedded Garnet server when <c>DISCERNUS_REDIS_URL</c> is unset, started for the check and stopped again), the
/// artifact store through the same factory a run uses (a probe object is stored, read and looked up), and the model
/// settings (the models resolve; hosted ones have their keys, whose values are never shown).
/// </summary>
internal static class Doctor
{
    public const string ExperimentCheck = "experiment";
    public const string StoreCheck = "artifact_store";
    public const string ModelsCheck = "models";

    private const string RedisUrlVariable = RedisConnectionFactory.UrlEnvironmentVariable;

    public static async Task<DoctorReport> ExamineAsync(DoctorOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var checks = new List<DoctorCheck>();
        Experiment? experiment = null;
        if (options.ExperimentPath is { } path)
        {
            var validation = ExperimentValidator.Validate(path, options.Settings.Limits, cancellationToken);
            experiment = validation.IsValid ? validation.Experiment : null;
            checks.Add(validation.IsValid
                ? DoctorCheck.Pass(ExperimentCheck, "Experiment", $"{validation.ExperimentPath} is valid ({validation.Experiment!.Corpus.Documents.Count} document(s))")
                : DoctorCheck.Fail(ExperimentCheck, "Experiment", $"{validation.ExperimentPath} has {validation.Blocking.Count()} blocking problem(s)",
                    $"Run `discernus validate {path}`: it lists each problem with its file, field and fix."));
        }

        checks.AddRange(await CheckRedisAsync(options, cancellationToken).ConfigureAwait(false));
        checks.Add(await CheckStoreAsync(options, time, cancellationToken).ConfigureAwait(false));
        checks.Add(CheckModels(options, experiment));
        return new DoctorReport { Checks = checks };
    }

    private static async Task<IReadOnlyList<DoctorCheck>> CheckRedisAsync(DoctorOptions options, CancellationToken cancellationToken)
    {
        const string title = "Redis reachable";
        RedisKeys keys;
        try
        {
            keys = new RedisKeys(options.Settings.Redis.Prefix);
        }
        catch (ArgumentException ex)
        {
            return [DoctorCheck.Fail(RedisDoctor.Reachable, title, ex.Message, $"Set {RedisKeys.PrefixEnvironmentVariable} to a prefix without spaces, e.g. 'discernus:', or unset it."),
                .. RedisDoctor.Skipped("not checked: the key prefix is unusable")];
        }

        if (options.Settings.Redis.Url is not { } url)
        {
            EmbeddedGarnetServer garnet;
            try
            {
                garnet = await EmbeddedGarnetServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (CoordinationFaultException ex)
            {
                return [DoctorCheck.Fail(RedisDoctor.Reachable, title, ex.Message, $"Set {RedisUrlVariable} to an external Redis 6.2+, Valkey or Garnet."),
                    .. RedisDoctor.Skipped("not checked: the embedded server did not start")];
            }

            await using (garnet.ConfigureAwait(false))
            {
                var doctor = new RedisDoctor(garnet.CreateConnectionFactory(), keys, $"{garnet} ({RedisUrlVariable} is unset, so each run starts its own)",
                    $"The embedded server started but does not answer; set {RedisUrlVariable} to an external Redis 6.2+, Valkey or Garnet.", options.RedisConnectLimit);
                return await doctor.CheckAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        RedisConnectionFactory factory;
        try
        {
            factory = RedisConnectionFactory.Parse(url);
        }
        catch (FormatException ex)
        {
            return [DoctorCheck.Fail(RedisDoctor.Reachable, title, ex.Message, $"Set {RedisUrlVariable} to redis://[user:password@]host:port[/db], or unset it to use the embedded Garnet server."),
                .. RedisDoctor.Skipped($"not checked: {RedisUrlVariable} cannot be read")];
        }

        return await new RedisDoctor(factory, keys, factory.Description,
            $"Check {RedisUrlVariable} (host, port, password) and that the server runs and accepts connections from this machine; or unset {RedisUrlVariable} to use the embedded Garnet server.",
            options.RedisConnectLimit).CheckAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DoctorCheck> CheckStoreAsync(DoctorOptions options, TimeProvider? time, CancellationToken cancellationToken)
    {
        const string title = "Artifact store";
        const string fix = $"Set {ArtifactStoreOptions.BackendVariable} (folder or s3) and, for a folder, DISCERNUS_ARTIFACTS_DIR to a writable folder; "
                           + $"for s3, {S3ArtifactStoreOptions.EndpointVariable}, {S3ArtifactStoreOptions.BucketVariable}, {S3ArtifactStoreOptions.AccessKeyVariable} and {S3ArtifactStoreOptions.SecretKeyVariable}.";
        ArtifactStoreOptions storeOptions;
        string? note = null;
        try
        {
            if (options.ExperimentPath is { } experiment)
            {
                storeOptions = options.Settings.StoreFor(experiment);
            }
            else
            {
                var configured = options.Settings.StoreFolder;
                storeOptions = options.Settings.Store(options.Settings.WorkerStoreFolder(options.WorkingDirectory));
                if (configured is null && storeOptions.Backend == "folder")
                {
                    note = "DISCERNUS_ARTIFACTS_DIR is unset: this is the folder a worker started here uses; a run uses .discernus/artifacts beside its experiment folder, so give the experiment to check that one";
                }
            }
        }
        catch (ArtifactStoreConfigurationException ex)
        {
            return DoctorCheck.Fail(StoreCheck, title, ex.Message, fix);
        }

        IArtifactStore? store = null;
        try
        {
            store = await ArtifactStoreFactory.CreateAsync(storeOptions, time, logger: null, cancellationToken).ConfigureAwait(false);

            // The same check a worker's /readyz runs.
            var health = await new ArtifactStoreHealthCheck(store).CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext(), cancellationToken).ConfigureAwait(false);
            return health.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                ? DoctorCheck.Pass(StoreCheck, title, $"{health.Description}{(note is null ? "" : $" ({note})")}")
                : DoctorCheck.Fail(StoreCheck, title, health.Description ?? "the store failed its check", fix);
        }
        catch (Exception ex) when (ex is ArtifactStoreConfigurationException or ArtifactCorruptedException or IOException or UnauthorizedAccessException)
        {
            // ArtifactStoreUnavailableException is an IOException; every message names the place and the setting.
            return DoctorCheck.Fail(StoreCheck, title, ex.Message, fix);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    internal static DoctorCheck CheckModels(DoctorOptions options, Experiment? experiment)
    {
        const string title = "Model settings";
        ModelSettings settings;
        try
        {
            settings = options.Settings.Models;
        }
        catch (ModelConfigurationException ex)
        {
            return DoctorCheck.Fail(ModelsCheck, title, ex.Message, "Correct the variable named above, or unset it to use its default.");
        }

        var configured = options.Settings.DefaultModel;
        IReadOnlyList<string> names;
        string source;
        if (experiment is not null)
        {
            var models = ModelSelection.Resolve(null, experiment, options.Settings);
            names = models.Names;
            source = models.Source switch
            {
                "experiment" => "from the experiment's models list",
                "environment" => $"from {Configuration.SettingNames.DefaultModel}",
                _ => $"the default: {Configuration.SettingNames.DefaultModel} is unset",
            };
        }
        else
        {
            names = [configured ?? ModelName.LexiconName];
            source = configured is null ? $"the default: {Configuration.SettingNames.DefaultModel} is unset" : $"from {Configuration.SettingNames.DefaultModel}";
        }

        var problems = ModelSelection.Preflight(names, settings);
        var keys = ModelProvider.All
            .Where(settings.HasApiKey)
            .Select(p => p.ApiKeyVariableText)
            .ToList();
        var keysSet = keys.Count == 0 ? "no provider API key is set" : $"API keys set (values not shown): {string.Join(", ", keys)}";
        var what = $"{string.Join(", ", names)} ({source})";
        if (problems.Count > 0)
        {
            return DoctorCheck.Fail(ModelsCheck, title, $"{what}: {string.Join(" ", problems)}",
                $"Set the variable named above in .env or the environment, or choose another model ({Configuration.SettingNames.DefaultModel}, the experiment's models, or --model; lexicon runs offline).");
        }

        var offline = names.All(n => n == ModelName.LexiconName) ? "; lexicon is the offline dictionary baseline and needs no key" : "; the models were not called";
        return DoctorCheck.Pass(ModelsCheck, title, $"{what}: usable{offline}; {keysSet}");
    }

}
