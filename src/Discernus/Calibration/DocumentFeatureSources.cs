using System.Collections.Concurrent;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Statistics;
using Microsoft.Extensions.AI;

namespace Discernus.Calibration;

/// <summary>
/// The <see cref="DocumentFeatures"/> of a run: each model's client is asked once for its
/// <see cref="IDocumentFeatureSource"/> (through the gateway's middleware, the Microsoft.Extensions.AI way), and a
/// document's text is read only when its model has one. Hosted models have none, so their documents are never read.
/// </summary>
internal static class DocumentFeatureSources
{
    /// <param name="clientFor">The client of a model, e.g. <c>IRunServices.ClientFor(runId, model)</c>.</param>
    /// <param name="framework">The run's framework (the features of a document depend on its dimensions).</param>
    /// <param name="documentText">The text of a record's document (e.g. read from the artifact store by <see cref="AnalysisRecord.DocumentHash"/>).</param>
    public static DocumentFeatures FromClients(
        Func<string, IChatClient> clientFor, Framework framework, Func<AnalysisRecord, CancellationToken, Task<string>> documentText)
    {
        ArgumentNullException.ThrowIfNull(clientFor);
        ArgumentNullException.ThrowIfNull(framework);
        ArgumentNullException.ThrowIfNull(documentText);
        var sources = new ConcurrentDictionary<string, IDocumentFeatureSource?>(StringComparer.Ordinal);
        return async (model, record, cancellationToken) =>
        {
            var source = sources.GetOrAdd(model, m => clientFor(m).GetService<IDocumentFeatureSource>());
            if (source is null)
            {
                return null;
            }

            var text = await documentText(record, cancellationToken).ConfigureAwait(false);
            return new DocumentFeatureVector(source.FeatureSet, await source.FeaturesAsync(framework, text, cancellationToken).ConfigureAwait(false));
        };
    }
}
