using System.Text;
using System.Text.Json;

namespace Discernus.Models;

/// <summary>Appends each interaction as one JSON line to a file (normally <c>logs/llm_interactions.jsonl</c>).</summary>
internal sealed class JsonlLlmInteractionSink : ILlmInteractionSink, IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly string _path;
    // Serialises appends from concurrent agent loops so lines never interleave.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public JsonlLlmInteractionSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    public string FilePath => _path;

    public async ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var line = JsonSerializer.Serialize(interaction, ModelsJsonContext.Default.LlmInteraction) + "\n";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            await File.AppendAllTextAsync(_path, line, Utf8NoBom, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
