using AngleSharp.Html.Parser;

namespace Discernus.Tests.Reports;

/// <summary>Inspects an HTML report the way a browser would see it (AngleSharp's HTML5 parser), not by string search.</summary>
internal static class HtmlSafety
{
    private static readonly string[] ForbiddenElements = ["script", "img", "iframe", "object", "embed", "link", "base", "form", "input", "button", "image", "use", "meta[http-equiv=refresh]", "audio", "video", "source"];

    /// <summary>Every problem found: script, event handlers, URL attributes that are not relative or #anchors, resources.</summary>
    public static List<string> Problems(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var problems = new List<string>();
        foreach (var selector in ForbiddenElements)
        {
            problems.AddRange(document.QuerySelectorAll(selector).Select(e => $"<{e.LocalName}> element: {e.OuterHtml[..Math.Min(120, e.OuterHtml.Length)]}"));
        }

        var styles = document.QuerySelectorAll("style").ToList();
        if (styles.Count != 1 || styles[0].ParentElement?.LocalName != "head")
        {
            problems.Add($"{styles.Count} <style> elements; only the report's own one in <head> is expected");
        }

        foreach (var element in document.All)
        {
            foreach (var attribute in element.Attributes)
            {
                var name = attribute.Name.ToLowerInvariant();
                var value = attribute.Value.Trim();
                if (name.StartsWith("on", StringComparison.Ordinal))
                {
                    problems.Add($"event handler {name} on <{element.LocalName}>");
                }

                if (name is "href" or "src" or "xlink:href" or "action" or "formaction" or "srcset" or "poster" or "background" or "data")
                {
                    if (!(value.StartsWith('#') || (!value.Contains(':', StringComparison.Ordinal) && !value.StartsWith("//", StringComparison.Ordinal))))
                    {
                        problems.Add($"{name}=\"{value}\" on <{element.LocalName}>");
                    }
                }

                if (name == "style" && (value.Contains("url(", StringComparison.OrdinalIgnoreCase) || value.Contains("expression", StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add($"style with a resource on <{element.LocalName}>: {value}");
                }
            }
        }

        return problems;
    }
}
