using Discernus.Experiments;

namespace Discernus.Models;

/// <summary>
/// An offline model that can describe a document by more numbers than its scores (marker counts, sentence embeddings),
/// for the supervised calibration head. Found on a model's client with <c>GetService(typeof(IDocumentFeatureSource))</c>,
/// the Microsoft.Extensions.AI way, so middleware and hosted models need not know about it (hosted models return null).
/// </summary>
public interface IDocumentFeatureSource
{
    /// <summary>What the vector holds, e.g. "lexicon marker counts" (written into the report and the calibration artifact).</summary>
    string FeatureSet { get; }

    /// <summary>The features of one document under one framework: the same length for every document of a framework, deterministic.</summary>
    Task<float[]> FeaturesAsync(Framework framework, string documentText, CancellationToken cancellationToken = default);
}
