using System.Text.RegularExpressions;
using Discernus.Configuration;
using Discernus.Coordination;
using Discernus.Health;
using Discernus.Telemetry;
using YamlDotNet.RepresentationModel;

namespace Discernus.Tests.Deploy;

/// <summary>
/// deploy/ checked offline against the code: every file parses, every DISCERNUS_ setting it names exists, the worker's
/// probes ask the paths and port the worker serves, KEDA watches the list the tasks really wait in, and the alert rules
/// use only metric names the code declares. A rename in the code fails here instead of in a cluster.
/// </summary>
public sealed partial class DeployManifestTests
{
    [Fact]
    public void EveryYamlFileInDeploy_Parses()
    {
        var paths = DeployFiles.Paths();
        Assert.True(paths.Count >= 8, $"deploy/ holds {paths.Count} YAML files");
        Assert.All(paths, p => Assert.NotEmpty(DeployFiles.Documents(p)));
    }

    [Fact]
    public void EveryDiscernusSettingNamedInDeploy_IsOneTheSettingCatalogKnows()
    {
        var named = DeployFiles.Paths()
            .SelectMany(p => DeployFiles.Documents(p).SelectMany(DeployFiles.Scalars).SelectMany(s => SettingName().Matches(s).Select(m => (File: Path.GetFileName(p), Name: m.Value))))
            .Distinct()
            .ToList();
        Assert.Contains(named, n => n.Name == "DISCERNUS_REDIS_URL");
        Assert.All(named, n => Assert.True(SettingCatalog.Find(n.Name) is not null, $"{n.File} names {n.Name}, which is not a Discernus setting"));
    }

    [Fact]
    public void TheConfigMap_PassesTheSettingsOwnChecks()
    {
        var data = DeployFiles.Map(DeployFiles.Object("ConfigMap", "discernus-config"), "data");
        var values = SettingValues.From(data.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value));
        var (errors, warnings) = SettingCatalog.Check(values);
        Assert.Empty(errors);
        Assert.Empty(warnings);
    }

    [Fact]
    public void TheWorkersProbes_AskThePathsAndPortTheWorkerServes()
    {
        var deployment = DeployFiles.Object("Deployment", "discernus-worker");
        var pod = DeployFiles.Map(deployment, "spec", "template");
        var container = Assert.IsType<YamlMappingNode>(Assert.Single(DeployFiles.Sequence(DeployFiles.Map(pod, "spec"), "containers").Children));
        var arguments = DeployFiles.Strings(container, "args");
        Assert.Equal("worker", arguments[0]);
        var healthPort = DeployFiles.ArgumentOf(arguments, "--health-port");
        var metricsPort = DeployFiles.ArgumentOf(arguments, "--metrics-port");

        var liveness = DeployFiles.Map(container, "livenessProbe", "httpGet");
        var readiness = DeployFiles.Map(container, "readinessProbe", "httpGet");
        Assert.Equal(WorkerHealth.LivenessPath, DeployFiles.Text(liveness, "path"));
        Assert.Equal(WorkerHealth.ReadinessPath, DeployFiles.Text(readiness, "path"));
        Assert.Equal(healthPort, DeployFiles.Text(liveness, "port"));
        Assert.Equal(healthPort, DeployFiles.Text(readiness, "port"));

        // The probes answer within the check's own time limit, and Prometheus scrapes the port /metrics is on.
        Assert.True(int.Parse(DeployFiles.Text(DeployFiles.Map(container, "readinessProbe"), "timeoutSeconds")!, System.Globalization.CultureInfo.InvariantCulture) > WorkerHealth.Timeout.TotalSeconds);
        var annotations = DeployFiles.Map(pod, "metadata", "annotations");
        Assert.Equal(metricsPort, DeployFiles.Text(annotations, "prometheus.io/port"));
        Assert.Equal("/metrics", DeployFiles.Text(annotations, "prometheus.io/path"));
        var ports = DeployFiles.Sequence(container, "ports").Children.Cast<YamlMappingNode>().Select(p => DeployFiles.Text(p, "containerPort")).ToList();
        Assert.Contains(healthPort, ports);
        Assert.Contains(metricsPort, ports);

        // Resources are requested, and the pod runs as a user other than root.
        Assert.NotNull(DeployFiles.Text(DeployFiles.Map(container, "resources", "requests"), "memory"));
        Assert.Equal("true", DeployFiles.Text(DeployFiles.Map(pod, "spec", "securityContext"), "runAsNonRoot"));
        Assert.NotEqual("0", DeployFiles.Text(DeployFiles.Map(pod, "spec", "securityContext"), "runAsUser"));
    }

    [Fact]
    public void TheComposeWorkers_ServeTheHealthEndpointTheirCheckAsks()
    {
        var compose = Assert.Single(DeployFiles.Documents(Path.Combine(DeployFiles.Folder, "compose", "docker-compose.yaml")));
        var worker = DeployFiles.Map(compose, "services", "worker");
        var command = DeployFiles.Strings(worker, "command");
        var healthPort = DeployFiles.ArgumentOf(command, "--health-port");
        var check = string.Join(" ", DeployFiles.Strings(DeployFiles.Map(worker, "healthcheck"), "test"));
        Assert.Contains($"/127.0.0.1/{healthPort}", check, StringComparison.Ordinal);
        Assert.Contains(WorkerHealth.ReadinessPath, check, StringComparison.Ordinal);
    }

    [Fact]
    public void KedaScalesOnTheListTheTasksWaitIn()
    {
        var prefix = DeployFiles.Text(DeployFiles.Map(DeployFiles.Object("ConfigMap", "discernus-config"), "data"), "DISCERNUS_REDIS_PREFIX") ?? RedisKeys.DefaultPrefix;
        var scaled = DeployFiles.Object("ScaledObject", "discernus-worker");
        Assert.Equal("discernus-worker", DeployFiles.Text(DeployFiles.Map(scaled, "spec", "scaleTargetRef"), "name"));
        var trigger = Assert.IsType<YamlMappingNode>(Assert.Single(DeployFiles.Sequence(DeployFiles.Map(scaled, "spec"), "triggers").Children));
        Assert.Equal("redis", DeployFiles.Text(trigger, "type"));
        var metadata = DeployFiles.Map(trigger, "metadata");
        Assert.Equal(new RedisKeys(prefix).Tasks, DeployFiles.Text(metadata, "listName"));

        // The trigger's Redis is the one the workers are configured with.
        var redisUrl = DeployFiles.Text(DeployFiles.Map(DeployFiles.Object("ConfigMap", "discernus-config"), "data"), "DISCERNUS_REDIS_URL")!;
        Assert.Equal(new Uri(redisUrl).Authority, DeployFiles.Text(metadata, "address"));
    }

    [Fact]
    public void TheAlertRules_UseOnlyMetricNamesTheCodeDeclares()
    {
        var declared = DiscernusMetrics.Definitions
            .SelectMany(d => d.Kind == MetricKind.Histogram ? [d.PrometheusName + "_bucket", d.PrometheusName + "_sum", d.PrometheusName + "_count"] : new[] { d.PrometheusName })
            .ToHashSet(StringComparer.Ordinal);
        var rules = Assert.Single(DeployFiles.Documents(Path.Combine(DeployFiles.Folder, "prometheus", "discernus-alerts.yaml")));
        var alerts = DeployFiles.Sequence(rules, "groups").Children.Cast<YamlMappingNode>()
            .SelectMany(g => DeployFiles.Sequence(g, "rules").Children.Cast<YamlMappingNode>()).ToList();
        var names = alerts.Select(a => DeployFiles.Text(a, "alert")).ToList();
        Assert.Equal(["DiscernusBudgetNearLimit", "DiscernusDeadListGrowing", "DiscernusModelBreakerOpen", "DiscernusModelRateLimited", "DiscernusNoLiveWorker", "DiscernusQueueNotDraining"],
            names.Order(StringComparer.Ordinal));
        foreach (var alert in alerts)
        {
            var expr = DeployFiles.Text(alert, "expr")!;
            var used = MetricName().Matches(expr).Select(m => m.Value).ToList();
            Assert.NotEmpty(used);
            Assert.All(used, name => Assert.True(declared.Contains(name), $"{DeployFiles.Text(alert, "alert")} uses {name}, which the code does not declare"));
            Assert.NotNull(DeployFiles.Text(DeployFiles.Map(alert, "labels"), "severity"));
            Assert.NotNull(DeployFiles.Text(DeployFiles.Map(alert, "annotations"), "summary"));

            // Labels the rules group or filter by are attributes the metrics carry.
            foreach (Match by in ByLabels().Matches(expr))
            {
                var label = by.Groups[1].Value;
                Assert.True(DiscernusMetrics.Definitions.Any(d => used.Any(u => u.StartsWith(d.PrometheusName, StringComparison.Ordinal)) && d.Attributes.Contains(label)),
                    $"{DeployFiles.Text(alert, "alert")} groups by '{label}', which none of its metrics carries");
            }
        }
    }

    [GeneratedRegex(@"\bDISCERNUS_[A-Z0-9_]+\b")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"\bdiscernus_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"by \(([a-z_]+)\)")]
    private static partial Regex ByLabels();
}
