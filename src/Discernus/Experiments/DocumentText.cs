namespace Discernus.Experiments;

/// <summary>The text of one document, or why it cannot be used. <see cref="Text"/> is what models see and what is hashed.</summary>
public sealed record DocumentText
{
    public string? Text { get; init; }
    public string? ProblemCode { get; init; }
    public string? Problem { get; init; }
    public string? Fix { get; init; }
    /// <summary>True when the text was extracted from a PDF or DOCX original.</summary>
    public bool Extracted { get; init; }

    public bool Succeeded => Text is not null;

    public static DocumentText Ok(string text, bool extracted) => new() { Text = text, Extracted = extracted };

    public static DocumentText Fail(string code, string problem, string fix) => new() { ProblemCode = code, Problem = problem, Fix = fix };
}
