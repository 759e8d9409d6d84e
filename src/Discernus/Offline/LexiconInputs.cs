namespace Discernus.Offline;

/// <summary>
/// Keys of <c>ChatOptions.AdditionalProperties</c> through which agents pass structured inputs to the offline models,
/// <see cref="Lexicon.LexiconChatClient"/> and minilm's (hosted models get the same request as prompt text; the gateway
/// strips these keys before a provider sees them).
/// <list type="bullet">
/// <item>Analysis: <see cref="Framework"/> (a <c>Discernus.Experiments.Framework</c>) and <see cref="DocumentText"/> (string); <see cref="Task"/> absent or "analysis".</item>
/// <item>Synthesis: <see cref="Task"/> = "synthesis", <see cref="Framework"/>, <see cref="StatisticsJson"/> (the statistics JSON text).</item>
/// </list>
/// </summary>
internal static class LexiconInputs
{
    public const string Framework = "discernus.framework";
    public const string DocumentText = "discernus.document_text";
    public const string Task = "discernus.task";
    public const string StatisticsJson = "discernus.statistics_json";

    public const string AnalysisTask = "analysis";
    public const string SynthesisTask = "synthesis";
}
