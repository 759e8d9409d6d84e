using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Discernus.Models;

/// <summary>Writes timestamps as ISO 8601 UTC with a Z and milliseconds (<c>2026-11-24T10:15:00.000Z</c>), like every other Discernus log line.</summary>
internal sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Provenance.IsoTime.Format(value));
}
