using Discernus.Coordination;
using Discernus.Orchestration;

namespace Discernus.Application;

/// <summary>What an operations command found, in both of its forms; <see cref="Ok"/> false when it found (or caused) a fault.</summary>
public sealed record OperationReport(bool Ok, string Text, string Json)
{
    /// <summary>For a refused operation: nothing was done, and the text says why.</summary>
    public bool Refused { get; init; }
}

/// <summary>
/// The operations commands over the configured environment: `doctor` (Redis, the artifact store, the models, and an
/// experiment's own) and `debug` (the coordination keys on DISCERNUS_REDIS_URL: audited, or reset).
/// </summary>
public static class OperationsService
{
    public static async Task<OperationReport> DoctorAsync(WorkspaceOptions options, string? experimentPath, string workingDirectory, CancellationToken cancellationToken)
    {
        var report = await Doctor.ExamineAsync(
            new DoctorOptions { Settings = options.Settings, ExperimentPath = experimentPath, WorkingDirectory = workingDirectory }, options.TimeProvider, cancellationToken);
        return new OperationReport(report.Healthy, report.ToText(), report.ToJson());
    }

    /// <summary>The keys under the prefix summarised by kind, anomalies flagged; or the keys deleted (refused while runs are in flight unless forced).</summary>
    /// <exception cref="FormatException">DISCERNUS_REDIS_URL cannot be read.</exception>
    public static async Task<OperationReport> CoordinationAsync(WorkspaceOptions options, bool reset, bool force, bool listKeys, CancellationToken cancellationToken)
    {
        var redis = options.Settings.Redis;
        RedisConnectionFactory factory;
        RedisKeys schema;
        try
        {
            factory = RedisConnectionFactory.Parse(redis.Url ?? throw new FormatException("set DISCERNUS_REDIS_URL; the embedded server exists only while a run is in progress."));
            schema = new RedisKeys(redis.Prefix);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }

        await using var connections = await RedisConnections.ConnectAsync(factory, cancellationToken);
        if (reset)
        {
            var result = await new CoordinationReset(connections, schema).ResetAsync(force, cancellationToken);
            return new OperationReport(!result.Refused, result.ToText().TrimEnd(), result.ToJson()) { Refused = result.Refused };
        }

        var audit = await new CoordinationAudit(connections, schema).InspectAsync(cancellationToken);
        return new OperationReport(!audit.HasFaults, audit.ToText(listKeys).TrimEnd(), audit.ToJson(listKeys));
    }
}
