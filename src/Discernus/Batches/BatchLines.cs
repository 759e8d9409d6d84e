using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Discernus.Batches;

/// <summary>JSONL as the batch APIs write it: one JSON object a line; a line that is not JSON is skipped (its task then has no answer).</summary>
internal static class BatchLines
{
    public static IEnumerable<string> Of(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static JsonNode? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
