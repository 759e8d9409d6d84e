using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Discernus.Coordination;

/// <summary>Serialization of the coordination records through the source-generated context (snake_case).</summary>
internal static class CoordinationJson
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    public static JsonTypeInfo<T> TypeInfo<T>() =>
        CoordinationJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered in {nameof(CoordinationJsonContext)}.");

    /// <summary>ISO 8601 UTC with a Z, the timestamp form used across run folders and logs.</summary>
    public static string FormatTimestamp(DateTimeOffset time) => Provenance.IsoTime.Format(time);
}
