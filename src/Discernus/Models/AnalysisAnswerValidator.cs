using System.Globalization;
using System.Text.Json;
using Discernus.Experiments;

namespace Discernus.Models;

/// <summary>
/// Checks a model's analysis answer against the framework (SPEC §5): JSON with <c>dimensional_scores</c> holding every
/// framework dimension, each with <c>raw_score</c>, <c>salience</c> and <c>confidence</c> in 0–1 and an optional
/// <c>evidence</c> list. Problems are phrased for the model, naming the JSON path and the fix.
/// <para>Tolerated: a ```json fence or prose around the JSON object; <c>score</c> for <c>raw_score</c>; numbers written as
/// strings; evidence items as strings or <c>{"quote": "..."}</c>; dimension names that differ only in case or in
/// spaces/underscores/hyphens; dimensions not in the framework (ignored, reported as a note). With
/// <c>allowNotScorable</c>, a dimension may have null numbers when it gives a <c>not_scorable_reason</c>.</para>
/// </summary>
internal static class AnalysisAnswerValidator
{
    private const string Root = "dimensional_scores";
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static AnalysisValidationResult Validate(string answerText, Framework framework, bool allowNotScorable)
    {
        ArgumentNullException.ThrowIfNull(framework);
        var problems = new List<string>();
        var notes = new List<string>();

        JsonDocument document;
        try
        {
            document = ParseAnswer(answerText ?? "");
        }
        catch (JsonException ex)
        {
            return Fail($"answer is not JSON: {ex.Message} Return only one JSON object of the form {{\"{Root}\": {{...}}, \"notes\": \"...\"}}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail($"answer is JSON but a {Describe(root.ValueKind)}, not an object; return {{\"{Root}\": {{...}}}}.");
            }

            if (!TryGetProperty(root, Root, out var scores) && !TryGetProperty(root, "dimensions", out scores))
            {
                return Fail($"answer has no \"{Root}\" object; put one entry per dimension under \"{Root}\".");
            }

            if (scores.ValueKind != JsonValueKind.Object)
            {
                return Fail($"\"{Root}\" is a {Describe(scores.ValueKind)}; it must be an object keyed by dimension name.");
            }

            var entries = scores.EnumerateObject().ToList();
            var used = new HashSet<string>(StringComparer.Ordinal);
            var dimensions = new List<ValidatedDimension>();
            foreach (var dimension in framework.Dimensions)
            {
                var entry = entries.FirstOrDefault(e => e.Name == dimension.Name);
                if (entry.Value.ValueKind == JsonValueKind.Undefined)
                {
                    entry = entries.FirstOrDefault(e => !used.Contains(e.Name) && Loose(e.Name) == Loose(dimension.Name));
                    if (entry.Value.ValueKind != JsonValueKind.Undefined)
                    {
                        notes.Add($"dimension '{dimension.Name}' was written as '{entry.Name}'");
                    }
                }

                if (entry.Value.ValueKind == JsonValueKind.Undefined)
                {
                    problems.Add($"dimension '{dimension.Name}' missing from \"{Root}\"");
                    continue;
                }

                used.Add(entry.Name);
                if (ValidateDimension(dimension.Name, entry.Value, allowNotScorable, problems, notes) is { } validated)
                {
                    dimensions.Add(validated);
                }
            }

            foreach (var extra in entries.Where(e => !used.Contains(e.Name)))
            {
                notes.Add($"ignored dimension '{extra.Name}': it is not in the framework");
            }

            string? answerNotes = null;
            if (root.TryGetProperty("notes", out var notesElement))
            {
                answerNotes = notesElement.ValueKind == JsonValueKind.String ? notesElement.GetString() : notesElement.ToString();
            }

            return problems.Count > 0
                ? new AnalysisValidationResult(null, problems, notes)
                : new AnalysisValidationResult(new ValidatedAnalysis(dimensions, answerNotes), [], notes);
        }

        AnalysisValidationResult Fail(string problem) => new(null, [problem], notes);
    }

    private static ValidatedDimension? ValidateDimension(
        string name, JsonElement value, bool allowNotScorable, List<string> problems, List<string> notes)
    {
        var path = $"{Root}.{name}";
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path} is a {Describe(value.ValueKind)}; it must be an object with raw_score, salience, confidence and evidence");
            return null;
        }

        var before = problems.Count;
        string? reason = null;
        if (value.TryGetProperty("not_scorable_reason", out var reasonElement) && reasonElement.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(reasonElement.GetString()))
        {
            reason = reasonElement.GetString()!.Trim();
        }

        var canBeNull = allowNotScorable && reason is not null;
        var hasRaw = value.TryGetProperty("raw_score", out var raw);
        if (!hasRaw && value.TryGetProperty("score", out raw))
        {
            hasRaw = true;
        }

        var score = Number(path, "raw_score", hasRaw ? raw : default, hasRaw, canBeNull, allowNotScorable, problems, notes);
        var salience = Number(path, "salience", Get(value, "salience"), value.TryGetProperty("salience", out _), canBeNull, allowNotScorable, problems, notes);
        var confidence = Number(path, "confidence", Get(value, "confidence"), value.TryGetProperty("confidence", out _), canBeNull, allowNotScorable, problems, notes);
        var evidence = Evidence(path, value, problems);

        if (reason is not null && !allowNotScorable)
        {
            notes.Add($"{path}.not_scorable_reason ignored: this model is expected to score every dimension");
            reason = null;
        }
        else if (reason is not null && (score is not null || salience is not null || confidence is not null))
        {
            // A reason only makes sense for a dimension without numbers.
            notes.Add($"{path}.not_scorable_reason ignored because the dimension has scores");
            reason = null;
        }

        return problems.Count > before ? null : new ValidatedDimension(name, score, salience, confidence, evidence, reason);
    }

    private static JsonElement Get(JsonElement value, string name) => value.TryGetProperty(name, out var element) ? element : default;

    private static double? Number(
        string path, string field, JsonElement element, bool present, bool canBeNull, bool allowNotScorable, List<string> problems, List<string> notes)
    {
        var full = $"{path}.{field}";
        if (!present)
        {
            if (canBeNull)
            {
                return null;
            }

            problems.Add($"{full} is missing; give a number between 0 and 1");
            return null;
        }

        double number;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                if (canBeNull)
                {
                    return null;
                }

                problems.Add(allowNotScorable
                    ? $"{full} is null; give a number between 0 and 1, or add \"not_scorable_reason\""
                    : $"{full} is null; give a number between 0 and 1");
                return null;
            case JsonValueKind.Number:
                number = element.GetDouble();
                break;
            case JsonValueKind.String when double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                notes.Add($"{full} was written as a string");
                number = parsed;
                break;
            default:
                problems.Add($"{full} = {Shorten(element.GetRawText())} is not a number; give a number between 0 and 1");
                return null;
        }

        if (!double.IsFinite(number) || number < 0 || number > 1)
        {
            problems.Add($"{full} = {number.ToString("R", CultureInfo.InvariantCulture)} is outside 0–1");
            return null;
        }

        return number;
    }

    private static IReadOnlyList<string> Evidence(string path, JsonElement value, List<string> problems)
    {
        if (!value.TryGetProperty("evidence", out var evidence) || evidence.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (evidence.ValueKind == JsonValueKind.String)
        {
            var single = evidence.GetString()!.Trim();
            return single.Length == 0 ? [] : [single];
        }

        if (evidence.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{path}.evidence is a {Describe(evidence.ValueKind)}; it must be a list of verbatim quotes");
            return [];
        }

        var quotes = new List<string>();
        var index = 0;
        foreach (var item in evidence.EnumerateArray())
        {
            string? quote = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Object when item.TryGetProperty("quote", out var q) && q.ValueKind == JsonValueKind.String => q.GetString(),
                JsonValueKind.Object when item.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String => t.GetString(),
                _ => null,
            };
            if (quote is null)
            {
                problems.Add($"{path}.evidence[{index}] must be a quote string or {{\"quote\": \"...\"}}");
            }
            else if (quote.Trim().Length > 0)
            {
                quotes.Add(quote.Trim());
            }

            index++;
        }

        return quotes;
    }

    /// <summary>Parses the answer, falling back to a ```json fence and then to the outermost {...} when prose surrounds it.</summary>
    private static JsonDocument ParseAnswer(string text)
    {
        var trimmed = text.Trim();
        try
        {
            return JsonDocument.Parse(trimmed, ParseOptions);
        }
        catch (JsonException first)
        {
            foreach (var candidate in Candidates(trimmed))
            {
                try
                {
                    return JsonDocument.Parse(candidate, ParseOptions);
                }
                catch (JsonException)
                {
                    // Try the next way of cutting the JSON out of the text.
                }
            }

            if (trimmed.Length == 0)
            {
                throw new JsonException("the answer is empty.", first);
            }

            throw new JsonException(first.Message, first);
        }
    }

    private static IEnumerable<string> Candidates(string text)
    {
        var fence = text.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            var contentStart = text.IndexOf('\n', fence);
            var close = contentStart < 0 ? -1 : text.IndexOf("```", contentStart, StringComparison.Ordinal);
            if (contentStart >= 0)
            {
                yield return (close < 0 ? text[contentStart..] : text[contentStart..close]).Trim();
            }
        }

        var open = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (open >= 0 && end > open)
        {
            yield return text[open..(end + 1)];
        }
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string Loose(string name) =>
        new string(name.Where(c => !char.IsWhiteSpace(c) && c is not '_' and not '-').ToArray()).ToLowerInvariant();

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..40] + "...";
}
