using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Agents;

/// <summary>
/// The analysis request of one document, built in one place for both ways it reaches a provider: the agent's
/// interactive call and a line of a batch file (Batches). Everything the documents of a run share (the rendered
/// <c>system</c> text of <c>analyse_document.yaml</c>) comes first and is the same bytes for every document, so the
/// providers' prompt caches can serve it; the document comes last.
/// </summary>
internal static class AnalysisRequest
{
    private const string OfflineRequest = "offline_request";

    /// <summary>The system message (the run's shared prefix) and the user message (the document).</summary>
    public static List<ChatMessage> Messages(PromptTemplate prompt, string frameworkText, Framework framework, string variant, string documentName, string documentText)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(framework);

        // Filled without the document's values, so a prompt file that put the document in the shared prefix cannot be rendered.
        var shared = new Dictionary<string, string>
        {
            ["framework_name"] = framework.Name,
            ["framework_text"] = frameworkText,
            ["analysis_variant"] = variant,
            ["analysis_instructions"] = framework.AnalysisVariants.GetValueOrDefault(variant)?.AnalysisPrompt?.Trim() ?? "Score each dimension as the framework defines it.",
            ["dimension_names"] = DimensionNames(framework),
            ["calibration"] = Calibration(prompt, framework),
        };
        return
        [
            new(ChatRole.System, prompt.Render("system", shared).TrimEnd()),
            new(ChatRole.User, prompt.Render("user", new Dictionary<string, string>
            {
                ["document_name"] = documentName,
                ["document_text"] = documentText,
            })),
        ];
    }

    /// <summary>
    /// The request of an offline model (<c>lexicon</c>, <c>minilm</c>), when the run's prompt file has one: a short text
    /// naming the inputs such a model reads itself (the framework and the document, by hash), since it never reads a
    /// prompt; null for a prompt file stored before it had <c>offline_request</c>, whose runs keep the full messages.
    /// </summary>
    public static List<ChatMessage>? OfflineMessages(
        PromptTemplate prompt, string model, Framework framework, string frameworkHash, string variant, string documentName, string documentHash)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(framework);
        if (!prompt.Has(OfflineRequest))
        {
            return null;
        }

        return
        [
            new(ChatRole.User, prompt.Render(OfflineRequest, new Dictionary<string, string>
            {
                ["model"] = model,
                ["framework_name"] = framework.Name,
                ["framework_hash"] = frameworkHash,
                ["analysis_variant"] = variant,
                ["dimension_names"] = DimensionNames(framework),
                ["document_name"] = documentName,
                ["document_hash"] = documentHash,
            }).TrimEnd()),
        ];
    }

    /// <summary>The framework's dimension names as the prompts list them (the system text, the offline request, a re-ask).</summary>
    public static string DimensionNames(Framework framework) => string.Join(", ", framework.Dimensions.Select(d => d.Name));

    /// <summary>The temperature and seed of a task's request: its own temperature, else the model's defaults.</summary>
    public static (float? Temperature, long? Seed) Sampling(AnalyseDocumentTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var defaults = ModelName.TryParse(task.Model, out var model, out _) ? SamplingDefaults.For(model!) : (null, null);
        return ((float?)task.Params.Temperature ?? defaults.Temperature, defaults.Seed);
    }

    /// <summary>The framework's anchors as calibration examples for the prompt; empty when it has none.</summary>
    private static string Calibration(PromptTemplate prompt, Framework framework)
    {
        var examples = framework.Dimensions
            .SelectMany(d => d.Anchors.Select(a => PromptTemplate.Fill(prompt.Raw("calibration_example"), new Dictionary<string, string>
            {
                ["dimension"] = d.Name,
                ["score"] = a.Score.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture),
                ["excerpt"] = a.Excerpt.ReplaceLineEndings(" "),
            })))
            .ToList();
        return examples.Count == 0
            ? string.Empty
            : PromptTemplate.Fill(prompt.Raw("calibration"), new Dictionary<string, string> { ["examples"] = string.Join("\n", examples).TrimStart() }).TrimEnd();
    }

}
