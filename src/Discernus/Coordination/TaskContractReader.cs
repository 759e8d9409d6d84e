using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Discernus.Coordination;

/// <summary>
/// Validates contracts on receipt. Checks run on the raw JSON before deserializing so that the error names the
/// missing or empty field in the contract's own (snake_case) spelling instead of a serializer message.
/// </summary>
internal static class TaskContractReader
{
    public static ContractReadResult<T> Read<T>(string? json)
        where T : class, ITaskContract =>
        ReadCore<T>(json, $"task contract {T.ContractTaskType}", T.ContractTaskType);

    public static ContractReadResult<RunRequest> ReadRunRequest(string? json) =>
        ReadCore<RunRequest>(json, "run request", expectedTaskType: null);

    public static ContractReadResult<CompletionSignal> ReadCompletionSignal(string? json)
    {
        var result = ReadCore<CompletionSignal>(json, "completion signal", expectedTaskType: null);
        if (result.Contract is { } signal && !CompletionStatus.IsKnown(signal.Status))
        {
            return ContractReadResult<CompletionSignal>.Invalid(
                $"completion signal for task '{signal.TaskId}' has status '{signal.Status}' (expected '{CompletionStatus.Succeeded}' or '{CompletionStatus.Failed}')",
                "status");
        }

        return result;
    }

    /// <summary>The task_type of a contract, for dispatching before the full read; null when there is none.</summary>
    public static string? PeekTaskType(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("task_type", out var type)
                && type.ValueKind == JsonValueKind.String
                    ? type.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ContractReadResult<T> ReadCore<T>(string? json, string name, string? expectedTaskType)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return ContractReadResult<T>.Invalid($"{name} is empty");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return ContractReadResult<T>.Invalid($"{name} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ContractReadResult<T>.Invalid($"{name} is not a JSON object (found {root.ValueKind})");
            }

            if (expectedTaskType is not null)
            {
                if (!root.TryGetProperty("task_type", out var taskType) || taskType.ValueKind == JsonValueKind.Null)
                {
                    return ContractReadResult<T>.Invalid($"{name} is missing field 'task_type'", "task_type");
                }

                if (taskType.ValueKind != JsonValueKind.String || taskType.GetString() != expectedTaskType)
                {
                    return ContractReadResult<T>.Invalid(
                        $"{name} has task_type {taskType.GetRawText()} (expected '{expectedTaskType}')", "task_type");
                }
            }

            var typeInfo = CoordinationJson.TypeInfo<T>();
            foreach (var property in typeInfo.Properties)
            {
                if (property.IsRequired && CheckRequired(root, property, name) is { } problem)
                {
                    return ContractReadResult<T>.Invalid(problem, property.Name);
                }
            }

            try
            {
                var contract = root.Deserialize(typeInfo);
                return contract is null
                    ? ContractReadResult<T>.Invalid($"{name} is null")
                    : ContractReadResult<T>.Valid(contract);
            }
            catch (JsonException ex)
            {
                var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : ex.Path;
                return ContractReadResult<T>.Invalid($"{name} has field '{field}' of the wrong type: {ex.Message}", field);
            }
        }
    }

    private static string? CheckRequired(JsonElement root, JsonPropertyInfo property, string name)
    {
        if (!root.TryGetProperty(property.Name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return $"{name} is missing field '{property.Name}'";
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String when string.IsNullOrWhiteSpace(value.GetString()):
                return $"{name} has an empty field '{property.Name}'";
            case JsonValueKind.Array when value.GetArrayLength() == 0:
                return $"{name} has an empty field '{property.Name}'";
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Null
                        || (item.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(item.GetString())))
                    {
                        return $"{name} has an empty entry at index {index} of field '{property.Name}'";
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }
}
