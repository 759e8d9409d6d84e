using System.Globalization;

namespace Discernus.Provenance;

/// <summary>The one timestamp format of manifests, logs and results: ISO 8601 UTC with milliseconds.</summary>
internal static class IsoTime
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
