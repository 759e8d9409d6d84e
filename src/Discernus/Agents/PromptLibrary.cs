using System.Reflection;
using Discernus.Provenance;

namespace Discernus.Agents;

/// <summary>
/// The agents' prompt files, shipped inside the assembly so a run can never pick up a different copy by accident.
/// Run setup stores them as assets (the "prompt DNA"); agents then read them back from the artifact store by hash.
/// </summary>
internal static class PromptLibrary
{
    public const string AnalyseDocument = "analyse_document";
    public const string SynthesizeResults = "synthesize_results";
    public const string GenerateReport = "generate_report";

    public static IReadOnlyList<PromptAsset> All() =>
        [Load(AnalyseDocument), Load(SynthesizeResults), Load(GenerateReport)];

    public static PromptAsset Load(string name)
    {
        var resource = $"Discernus.Prompts.{name}.yaml";
        using var stream = typeof(PromptLibrary).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"prompt resource {resource} is missing from the build");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return new PromptAsset(name, $"{name}.yaml", memory.ToArray());
    }

    public static string SoftwareVersion =>
        typeof(PromptLibrary).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
