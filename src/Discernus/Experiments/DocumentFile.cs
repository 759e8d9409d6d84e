using System.Diagnostics;

namespace Discernus.Experiments;

/// <summary>
/// The one way a corpus document's bytes are read from disk. Each read is announced on the
/// <c>Discernus.Documents</c> <see cref="DiagnosticListener"/> (event <c>DocumentRead</c>, payload: the full path), so
/// that a test or a profiler can check that a run reads every document once; nothing is built when nobody listens.
/// </summary>
internal static class DocumentFile
{
    public const string ListenerName = "Discernus.Documents";
    public const string ReadEvent = "DocumentRead";

    private static readonly DiagnosticListener Diagnostics = new(ListenerName);

    public static byte[] ReadAllBytes(string path)
    {
        if (Diagnostics.IsEnabled(ReadEvent))
        {
            Diagnostics.Write(ReadEvent, path);
        }

        return File.ReadAllBytes(path);
    }
}
