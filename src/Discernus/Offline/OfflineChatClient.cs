using System.Runtime.CompilerServices;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Microsoft.Extensions.AI;

namespace Discernus.Offline;

/// <summary>
/// The chat-client side the offline models (<c>lexicon</c>, <c>minilm</c>) share: the answer is computed in the process,
/// usage is counted in words (of the document for an analysis, of the messages otherwise), streaming is the answer as one
/// update, and the client holds nothing to release (the heavy parts belong to the <see cref="IOfflineModel"/>).
/// </summary>
public abstract class OfflineChatClient(string providerName, string modelId, LexiconTexts texts) : IChatClient
{
    private readonly ChatClientMetadata _metadata = new(providerName, null, modelId);

    /// <summary>The texts of the answers (notes, the synthesis narrative, the reply to a request that is not Discernus').</summary>
    protected LexiconTexts Texts { get; } = texts;

    /// <summary>The analysis answer JSON for one document.</summary>
    protected abstract Task<string> AnalyseAsync(Framework framework, string documentText, CancellationToken cancellationToken);

    /// <summary>
    /// The answer to a Discernus request, whose inputs travel in the options' additional properties: an analysis, the
    /// synthesis narrative (the same template for every offline model), or a plain-text note that only those are answered.
    /// </summary>
    private async Task<string> AnswerAsync(AdditionalPropertiesDictionary? inputs, CancellationToken cancellationToken)
    {
        if (inputs is null || !inputs.TryGetValue(LexiconInputs.Framework, out var frameworkValue) || frameworkValue is not Framework framework)
        {
            return Texts.UnsupportedRequest.Trim();
        }

        inputs.TryGetValue(LexiconInputs.Task, out var taskValue);
        var task = taskValue as string ?? LexiconInputs.AnalysisTask;
        if (string.Equals(task, LexiconInputs.SynthesisTask, StringComparison.OrdinalIgnoreCase)
            && inputs.TryGetValue(LexiconInputs.StatisticsJson, out var statistics) && statistics is string statisticsJson)
        {
            return new LexiconSynthesisWriter(Texts.Synthesis).Write(framework, statisticsJson);
        }

        if (string.Equals(task, LexiconInputs.AnalysisTask, StringComparison.OrdinalIgnoreCase)
            && inputs.TryGetValue(LexiconInputs.DocumentText, out var documentValue) && documentValue is string documentText)
        {
            return await AnalyseAsync(framework, documentText, cancellationToken).ConfigureAwait(false);
        }

        return Texts.UnsupportedRequest.Trim();
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var answer = await AnswerAsync(options?.AdditionalProperties, cancellationToken).ConfigureAwait(false);
        // What the model read: for an analysis the document (the framework is the same for every document of a run and
        // is not sent as text), for anything else the messages.
        var inputWords = options?.AdditionalProperties?.TryGetValue(LexiconInputs.DocumentText, out string? document) == true && document is not null
            ? LexiconScorer.CountWords(document)
            : list.Sum(m => LexiconScorer.CountWords(m.Text));

        var outputWords = LexiconScorer.CountWords(answer);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = modelId,
            FinishReason = ChatFinishReason.Stop,
            CreatedAt = null,
            Usage = new UsageDetails
            {
                InputTokenCount = inputWords,
                OutputTokenCount = outputWords,
                TotalTokenCount = inputWords + outputWords,
            },
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => GC.SuppressFinalize(this);
}
