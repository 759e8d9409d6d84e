using System.Collections.Concurrent;

namespace Discernus.MiniLM;

/// <summary>A caller's texts and the vectors it waits for, completed by whichever turn of the model encodes them.</summary>
internal sealed class MiniLMCall(IReadOnlyList<string> texts)
{
    private Task? _turn;

    public IReadOnlyList<string> Texts { get; } = texts;

    public TaskCompletionSource<float[][]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The turn that holds this call's texts (it ends once they are encoded, or given back), or null while queued.</summary>
    public Task? Turn
    {
        get => Volatile.Read(ref _turn);
        set => Volatile.Write(ref _turn, value);
    }
}

/// <summary>
/// The calls waiting for a turn of the model, in order. Turns run side by side, so a turn's look at the next call and
/// its removal are one step: otherwise two turns could look at the same call, one of them remove the call behind it,
/// and that call's texts would never be encoded.
/// </summary>
internal sealed class MiniLMCallQueue
{
    private readonly ConcurrentQueue<MiniLMCall> _calls = new();
    private readonly Lock _taking = new();

    public void Enqueue(MiniLMCall call) => _calls.Enqueue(call);

    /// <summary>
    /// Takes the calls of one turn: at least one call, then more while their texts fit in <paramref name="maxTexts"/>;
    /// calls already completed (cancelled) are dropped. Each taken call's <see cref="MiniLMCall.Turn"/> is set.
    /// </summary>
    public List<MiniLMCall> Take(Task turn, int maxTexts)
    {
        var calls = new List<MiniLMCall>();
        var taken = 0;
        lock (_taking)
        {
            while ((calls.Count == 0 || taken < maxTexts) && _calls.TryPeek(out var next) && (calls.Count == 0 || taken + next.Texts.Count <= maxTexts))
            {
                _calls.TryDequeue(out _);
                if (!next.Result.Task.IsCompleted)
                {
                    next.Turn = turn;
                    calls.Add(next);
                    taken += next.Texts.Count;
                }
            }
        }

        return calls;
    }
}
