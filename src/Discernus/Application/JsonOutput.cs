using System.Text.Json;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>What a front end prints as JSON follows the convention of every Discernus file and contract (snake_case, indented), so a script reads them alike.</summary>
public static class JsonOutput
{
    public static string Text(object value) => JsonSerializer.Serialize(value, DiscernusJson.Indented);
}
