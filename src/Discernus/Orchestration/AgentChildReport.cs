using System.Globalization;

namespace Discernus.Orchestration;

/// <summary>
/// What one child said: its outcome or failure, and the first and last lines of its error output (a runtime crash
/// names its cause first, "Stack overflow." or "Unhandled exception. …", and its innermost frames last).
/// </summary>
internal sealed class AgentChildReport(int processId)
{
    // Of a crashed child's error output, the first 4 and the last 4 lines go into the message, each cut at 200 characters.
    private const int ErrorLinesKept = 8;
    private const int ErrorLineLength = 200;
    private const int HeadLines = 4;
    private readonly List<string> _head = [];
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private int _lines;

    public int ProcessId => processId;

    public AgentProcessMessage.OutcomeReport? Outcome { get; set; }

    public AgentProcessMessage.FailureReport? Failure { get; set; }

    public void AddErrorLine(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_gate)
        {
            _lines++;
            if (_head.Count < HeadLines)
            {
                _head.Add(Clip(line.Trim()));
                return;
            }

            _tail.Enqueue(Clip(line.Trim()));
            if (_tail.Count > ErrorLinesKept - HeadLines)
            {
                _tail.Dequeue();
            }
        }
    }

    public string Tail()
    {
        lock (_gate)
        {
            if (_lines == 0)
            {
                return "; it wrote nothing on its error output";
            }

            var omitted = _lines - _head.Count - _tail.Count;
            var middle = omitted > 0 ? [string.Create(CultureInfo.InvariantCulture, $"… {omitted} more line(s) …")] : Array.Empty<string>();
            return "; its error output: " + string.Join(" | ", _head.Concat(middle).Concat(_tail));
        }
    }

    /// <summary>A line of a child's output, cut to a length a log line can carry.</summary>
    public static string Clip(string text) => text.Length <= ErrorLineLength ? text : text[..ErrorLineLength] + "…";
}
