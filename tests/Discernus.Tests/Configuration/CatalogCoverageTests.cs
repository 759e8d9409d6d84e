using System.Reflection;
using System.Text.RegularExpressions;
using Discernus.Configuration;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Discernus.Tests.Configuration;

/// <summary>
/// Every DISCERNUS_ setting the programs read is in <see cref="SettingCatalog"/>: one missing from it is missing from
/// `discernus config`, escapes the start-up check of its value, and is even reported as "not a Discernus setting and
/// ignored" while it is used (the DISCERNUS_BATCH_* settings were). The names are read from the IL, so a constant and
/// a literal passed to a lookup are both seen.
/// </summary>
public sealed partial class CatalogCoverageTests
{
    [Fact]
    public void Every_setting_name_the_code_reads_is_in_the_catalog()
    {
        string[] assemblies = ["Discernus.Core", "discernus", "Discernus.Web", "Discernus.Hosting", "Discernus.MiniLM"];
        var read = assemblies.SelectMany(assembly => NamesIn(assembly).Select(name => (Assembly: assembly, Name: name))).ToList();

        Assert.Contains(read, r => r.Name == "DISCERNUS_STALL_TIMEOUT_SECONDS");
        Assert.Empty(read.Where(r => SettingCatalog.Find(r.Name) is null).Select(r => $"{r.Name} (read in {r.Assembly})").Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_batch_settings_are_known_and_checked()
    {
        var (errors, warnings) = SettingCatalog.Check(SettingValues.From(new Dictionary<string, string?>
        {
            ["DISCERNUS_BATCH_POLL_SECONDS"] = "0.5",
            ["DISCERNUS_BATCH_MAX_POLL_SECONDS"] = "soon",
        }));

        Assert.Empty(warnings);
        Assert.Contains("DISCERNUS_BATCH_MAX_POLL_SECONDS='soon'", Assert.Single(errors), StringComparison.Ordinal);
    }

    private static HashSet<string> NamesIn(string assemblyName)
    {
        using var module = ModuleDefinition.ReadModule(Assembly.Load(assemblyName).Location);
        return module.GetTypes()
            .SelectMany(t => t.Methods)
            .Where(m => m.HasBody)
            .SelectMany(m => m.Body.Instructions)
            .Where(i => i.OpCode == OpCodes.Ldstr && i.Operand is string s && SettingName().IsMatch(s))
            .Select(i => (string)i.Operand)
            .Where(name => !name.StartsWith(SettingCatalog.Prefix + "TEST_", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("^DISCERNUS_[A-Z0-9_]*[A-Z0-9]$")]
    private static partial Regex SettingName();
}
