using System.Text.RegularExpressions;

namespace Discernus.Tests.Web;

/// <summary>Reads the antiforgery token out of a served form, as a browser would submit it.</summary>
internal static partial class Forms
{
    public static string Token(string html, string formId)
    {
        var form = FormPattern().Matches(html).FirstOrDefault(m => m.Groups["id"].Value == formId)
            ?? throw new Xunit.Sdk.XunitException($"the page has no form #{formId}");
        var token = TokenPattern().Match(form.Value);
        Assert.True(token.Success, $"form #{formId} carries no antiforgery token");
        return System.Net.WebUtility.HtmlDecode(token.Groups["value"].Value);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields) =>
        await client.PostAsync(url, new FormUrlEncodedContent(fields));

    [GeneratedRegex("<form[^>]*id=\"(?<id>[^\"]+)\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex TokenPattern();
}
