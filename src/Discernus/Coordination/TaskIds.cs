using System.Globalization;

namespace Discernus.Coordination;

/// <summary>
/// Task ids are <c>{run_id}:{task_type}:{n}</c>. The Orchestrator and the Router build and read them with these
/// functions only, so the format lives in one place.
/// </summary>
internal static class TaskIds
{
    public static string Build(string runId, string taskType, int n)
    {
        CheckPart(runId, nameof(runId));
        CheckPart(taskType, nameof(taskType));
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        return string.Create(CultureInfo.InvariantCulture, $"{runId}:{taskType}:{n}");
    }

    public static bool TryParse(string? taskId, out TaskIdParts parts)
    {
        parts = default;
        if (string.IsNullOrEmpty(taskId))
        {
            return false;
        }

        var pieces = taskId.Split(':');
        if (pieces.Length != 3 || pieces[0].Length == 0 || pieces[1].Length == 0
            || pieces[0].Any(char.IsWhiteSpace) || pieces[1].Any(char.IsWhiteSpace)
            || !int.TryParse(pieces[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        parts = new TaskIdParts(pieces[0], pieces[1], n);
        return true;
    }

    private static void CheckPart(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.Contains(':') || value.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"The {name} '{value}' must not contain ':' or white space: it is part of a task id.", name);
        }
    }
}
