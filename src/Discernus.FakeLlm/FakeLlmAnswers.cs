using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Discernus.FakeLlm;

/// <summary>
/// The simulated provider's answers. An analysis prompt (the one in <c>Agents/Prompts/analyse_document.yaml</c>) gets a
/// JSON answer valid for the framework in the prompt: every dimension named on its "Dimensions to score" line, scores
/// derived from a hash of document and dimension (the same prompt always gets the same answer), and evidence quoted
/// verbatim from a sentence of the document. Any other prompt (synthesis) gets a short plain text.
/// </summary>
internal static partial class FakeLlmAnswers
{
    public const string SynthesisText =
        "This interpretation was written by the simulated provider (discernus dev fake-llm). It describes no real finding; read the statistics above.";

    /// <summary>The answer text for a request's messages, and whether it was an analysis prompt.</summary>
    public static (string Text, bool IsAnalysis) Answer(IReadOnlyList<string> messages)
    {
        // The framework and dimensions come in the system message (the run's shared prefix), the document in the user's.
        var prompt = string.Join("\n", messages);
        if (!prompt.Contains("=== DOCUMENT:", StringComparison.Ordinal) || !DimensionsLine().IsMatch(prompt))
        {
            return (SynthesisText, false);
        }

        var dimensions = DimensionsLine().Match(prompt).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var document = DocumentText(prompt);
        var sentences = Sentences(document);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("dimensional_scores");
            foreach (var dimension in dimensions)
            {
                var seed = SHA256.HashData(Encoding.UTF8.GetBytes(dimension + "\n" + document));
                json.WriteStartObject(dimension);
                json.WriteNumber("raw_score", Fraction(seed, 0));
                json.WriteNumber("salience", Fraction(seed, 2));
                json.WriteNumber("confidence", 0.5 + (Fraction(seed, 4) / 2));
                json.WriteStartArray("evidence");
                if (sentences.Count > 0)
                {
                    json.WriteStringValue(sentences[BitConverter.ToUInt16(seed, 6) % sentences.Count]);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteString("notes", "simulated answer (discernus dev fake-llm)");
            json.WriteEndObject();
        }

        return (Encoding.UTF8.GetString(buffer.ToArray()), true);
    }

    /// <summary>An answer the validator rejects: every other one is not JSON, the rest JSON without the dimensions.</summary>
    public static string Malformed(long sequence) => sequence % 2 == 0
        ? "I am sorry, I cannot produce JSON for this document."
        : "{\"dimensional_scores\": {}, \"notes\": \"simulated malformed answer\"}";

    /// <summary>SHA-256 of a text, hex: how the simulated prompt cache remembers a prefix without keeping it.</summary>
    public static string Fingerprint(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Tokens of a text as the simulated provider reports them: about four characters per token.</summary>
    public static int Tokens(string text) => Math.Max(1, (text.Length + 3) / 4);

    private static string DocumentText(string prompt)
    {
        var start = DocumentStart().Match(prompt);
        if (!start.Success)
        {
            return "";
        }

        var from = start.Index + start.Length;
        var end = prompt.IndexOf("=== END OF DOCUMENT ===", from, StringComparison.Ordinal);
        return (end < 0 ? prompt[from..] : prompt[from..end]).Trim();
    }

    private static List<string> Sentences(string text) =>
        SentenceEnd().Split(text.ReplaceLineEndings("\n"))
            .SelectMany(s => s.Split('\n'))
            .Select(s => s.Trim())
            .Where(s => s.Length >= 12)
            .Take(200)
            .ToList();

    private static double Fraction(byte[] seed, int offset) =>
        Math.Round(BitConverter.ToUInt16(seed, offset) / (double)ushort.MaxValue, 3);

    [GeneratedRegex(@"Dimensions to score \(use exactly these names\): (.+)")]
    private static partial Regex DimensionsLine();

    [GeneratedRegex(@"=== DOCUMENT: .*? ===\r?\n")]
    private static partial Regex DocumentStart();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();
}
