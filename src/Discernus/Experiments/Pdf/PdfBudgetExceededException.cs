namespace Discernus.Experiments.Pdf;

/// <summary>Thrown inside PdfPig's reading when a <see cref="PdfBudget"/> runs out; the budget keeps the reason.</summary>
internal sealed class PdfBudgetExceededException(string message) : Exception(message);
