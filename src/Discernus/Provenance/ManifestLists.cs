using System.Text.Json;

namespace Discernus.Provenance;

/// <summary>
/// The <c>documents</c> and <c>files</c> lists of a manifest being set up, written entry by entry to scratch files in
/// the run folder instead of held: RUN SETUP of a million documents held a manifest entry, an asset path and a file
/// entry per document (about 350 MB) until the manifest was written. <see cref="Complete"/> joins the two into one
/// JSON object that <see cref="RunFolder.WriteManifestAsync(RunManifest, ManifestLists, CancellationToken)"/> streams
/// the lists from, as a manifest update streams them from the manifest it replaces. The scratch files are deleted when
/// this is disposed, whether or not the manifest was written.
/// </summary>
internal sealed class ManifestLists : IDisposable
{
    private readonly string _documentsPath;
    private readonly string _filesPath;
    private readonly FileStream _documents;
    private readonly FileStream _files;
    private readonly Utf8JsonWriter _documentsWriter;
    private readonly Utf8JsonWriter _filesWriter;
    private bool _completed;

    public ManifestLists(string runFolder)
    {
        (_documentsPath, _filesPath) = (Scratch(runFolder), Scratch(runFolder));
        _documents = Open(_documentsPath);
        _files = Open(_filesPath);
        _documents.Write("{\"documents\":"u8);
        (_documentsWriter, _filesWriter) = (new Utf8JsonWriter(_documents), new Utf8JsonWriter(_files));
        _documentsWriter.WriteStartArray();
        _filesWriter.WriteStartArray();
    }

    public int Documents { get; private set; }

    public int Files { get; private set; }

    /// <summary>The JSON object that holds both lists, once <see cref="Complete"/> has been called.</summary>
    public string Path => _completed ? _documentsPath : throw new InvalidOperationException("the lists are not complete yet");

    public void AddDocument(ManifestDocument document)
    {
        // The manifest's own options, so the property names are the manifest's; its writer does the indenting.
        JsonSerializer.Serialize(_documentsWriter, document, DiscernusJson.Indented);
        Documents++;
        FlushWhenFull(_documentsWriter);
    }

    public void AddFile(ManifestFile file)
    {
        JsonSerializer.Serialize(_filesWriter, file, DiscernusJson.Indented);
        Files++;
        FlushWhenFull(_filesWriter);
    }

    /// <summary>Ends both lists and appends the files to the documents: <c>{"documents":[…],"files":[…]}</c>.</summary>
    public void Complete()
    {
        _documentsWriter.WriteEndArray();
        _filesWriter.WriteEndArray();
        _documentsWriter.Flush();
        _filesWriter.Flush();
        _documents.Write(",\"files\":"u8);
        _files.Position = 0;
        _files.CopyTo(_documents);
        _documents.Write("}"u8);
        _documents.Flush();
        _completed = true;
    }

    public void Dispose()
    {
        _documentsWriter.Dispose();
        _filesWriter.Dispose();
        _documents.Dispose();
        _files.Dispose();
        File.Delete(_documentsPath);
        File.Delete(_filesPath);
    }

    private static string Scratch(string runFolder) => System.IO.Path.Combine(runFolder, $".tmp-lists-{Guid.NewGuid():N}");

    private static FileStream Open(string path) => new(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 64 * 1024);

    // A Utf8JsonWriter on a stream buffers until flushed: without this it would hold a whole list.
    private static void FlushWhenFull(Utf8JsonWriter writer)
    {
        if (writer.BytesPending >= 32 * 1024)
        {
            writer.Flush();
        }
    }
}
