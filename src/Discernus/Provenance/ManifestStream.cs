using System.Buffers;
using System.Text.Json;
using Discernus.Content;

namespace Discernus.Provenance;

/// <summary>
/// <c>manifest.json</c> without holding it whole. A run of 100,000 documents has a manifest of about 100 MB, almost all
/// of it the <c>documents</c> and <c>files</c> lists (an entry or two per document), which RUN SETUP writes once and
/// later stages only append to. The Orchestrator keeps the rest (the head) in memory and rewrites the file by streaming
/// those two lists from the file it replaces, entry by entry, so memory stays flat in the corpus size. What is written
/// is byte for byte what <see cref="JsonSerializer"/> writes for the whole record.
/// </summary>
internal static partial class ManifestStream
{
    public const string DocumentsProperty = "documents";
    public const string FilesProperty = "files";
    private const int ChunkBytes = 64 * 1024;

    private delegate bool TokenHandler(ref Utf8JsonReader reader);

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>The manifest without its <c>documents</c> and <c>files</c> lists (both empty).</summary>
    public static RunManifest ReadHead(string path)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var skipping = false;
            string? current = null;
            using var stream = OpenRead(path);
            Read(stream, (ref Utf8JsonReader reader) =>
            {
                if (skipping)
                {
                    // Only the list's own end (depth 1) is copied; its entries are not.
                    if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray)
                    {
                        writer.WriteEndArray();
                        skipping = false;
                    }

                    return true;
                }

                Copy(ref reader, writer);
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    current = reader.GetString();
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.StartArray && current is DocumentsProperty or FilesProperty)
                {
                    skipping = true;
                }

                return true;
            });
        }

        return JsonSerializer.Deserialize<RunManifest>(buffer.WrittenSpan, DiscernusJson.Indented)
            ?? throw new InvalidDataException($"{path} is empty");
    }

    /// <summary>Calls <paramref name="onEntry"/> with each entry of the top-level list <paramref name="property"/>, one at a time.</summary>
    public static void ReadList<T>(string path, string property, Action<T> onEntry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        CopyList(path, property, writer, () =>
        {
            writer.Flush();
            onEntry(JsonSerializer.Deserialize<T>(buffer.WrittenSpan, DiscernusJson.Indented)!);
            writer.Reset();
            buffer.ResetWrittenCount();
        });
    }

    /// <summary>
    /// Copies each entry of the top-level list <paramref name="property"/> to <paramref name="writer"/>, token by token,
    /// calling <paramref name="entryWritten"/> after each.
    /// </summary>
    private static void CopyList(string path, string property, Utf8JsonWriter writer, Action entryWritten)
    {
        string? current = null;
        var inList = false;
        using var stream = OpenRead(path);
        Read(stream, (ref Utf8JsonReader reader) =>
        {
            var depth = reader.CurrentDepth;
            if (!inList)
            {
                if (depth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    current = reader.GetString();
                }
                else if (depth == 1 && reader.TokenType == JsonTokenType.StartArray && current == property)
                {
                    inList = true;
                }

                return true;
            }

            if (depth == 1)
            {
                // The end of the list: nothing after it is needed.
                return false;
            }

            Copy(ref reader, writer);
            if (depth == 2 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                entryWritten();
            }

            return true;
        });
    }

    /// <summary>
    /// Writes <paramref name="manifest"/> to <paramref name="path"/> (atomically). With <paramref name="listsFrom"/>, the
    /// manifest is a head (its lists empty): the <c>documents</c> and <c>files</c> lists are streamed from that file
    /// (which may be <paramref name="path"/> itself), with <paramref name="files"/> applied to the files.
    /// </summary>
    /// <returns>Where the lists lie in the file written (null without <paramref name="listsFrom"/>). Passed back as
    /// <paramref name="listsAt"/>, the layout of <paramref name="listsFrom"/>, the documents are copied from there byte for
    /// byte, and so are the files when <paramref name="files"/> changes none.</returns>
    public static ManifestLayout? Write(string path, RunManifest manifest, string? listsFrom = null, ManifestFileChanges? files = null, ManifestLayout? listsAt = null)
    {
        if (listsFrom is not null && (manifest.Documents.Count > 0 || manifest.Files.Count > 0))
        {
            throw new InvalidOperationException("a manifest head has no documents or files of its own; pass added files as ManifestFileChanges");
        }

        if (listsFrom is null && files is not null)
        {
            throw new InvalidOperationException("file changes apply to the lists of an existing manifest");
        }

        var options = DiscernusJson.Indented;
        var info = options.GetTypeInfo(typeof(RunManifest));
        // Documents never change after RUN SETUP; files only with file changes. Copied only from the very file described.
        using var source = listsFrom is not null ? listsAt?.OpenIfUnchanged(listsFrom) : null;
        var copy = source is null ? null : listsAt;
        var layout = default(ManifestLayout);
        RunFolder.WriteAtomically(path, stream =>
        {
            // The writer fills a buffer that goes to the file in chunks: a writer on the stream itself flushes the file
            // after every entry the serializer writes (one write system call per document, about 530 per manifest).
            var chunk = new ArrayBufferWriter<byte>(2 * ChunkBytes);
            using var writer = new Utf8JsonWriter(chunk, new JsonWriterOptions
            {
                Indented = options.WriteIndented,
                Encoder = options.Encoder,
                IndentCharacter = options.IndentCharacter,
                IndentSize = options.IndentSize,
                NewLine = options.NewLine,
                MaxDepth = options.MaxDepth,
            });

            void Drain(bool all)
            {
                writer.Flush();
                if (all || chunk.WrittenCount >= ChunkBytes)
                {
                    stream.Write(chunk.WrittenSpan);
                    chunk.ResetWrittenCount();
                }
            }

            void Entry<T>(T entry)
            {
                JsonSerializer.Serialize(writer, entry, options);
                Drain(all: false);
            }

            writer.WriteStartObject();
            foreach (var property in info.Properties)
            {
                writer.WritePropertyName(property.Name);
                var list = listsFrom is not null && property.Name is DocumentsProperty or FilesProperty;
                long start = 0;
                if (list)
                {
                    // A list's value is the bytes the writer puts out between the property's name and what follows.
                    Drain(all: true);
                    start = stream.Position;
                }

                if (list && copy is { } from && (property.Name == DocumentsProperty || files is null))
                {
                    // Written as an empty list, to keep the writer's own state, whose bytes are then replaced by the list.
                    writer.WriteStartArray();
                    writer.WriteEndArray();
                    writer.Flush();
                    chunk.ResetWrittenCount();
                    var (at, end) = property.Name == DocumentsProperty ? (from.DocumentsStart, from.DocumentsEnd) : (from.FilesStart, from.FilesEnd);
                    ManifestLayout.CopyRange(source!, at, end, stream);
                }
                else if (listsFrom is not null && property.Name == DocumentsProperty)
                {
                    // Documents never change after RUN SETUP: copied token by token, never read into records.
                    writer.WriteStartArray();
                    CopyList(listsFrom, DocumentsProperty, writer, () => Drain(all: false));
                    writer.WriteEndArray();
                }
                else if (listsFrom is not null && property.Name == FilesProperty)
                {
                    writer.WriteStartArray();
                    WriteFiles(listsFrom, files, Entry);
                    writer.WriteEndArray();
                }
                else
                {
                    WriteValue(writer, property.Get!(manifest), property.PropertyType, options, Drain);
                }

                Drain(all: list);
                if (list)
                {
                    layout = property.Name == DocumentsProperty
                        ? layout with { DocumentsStart = start, DocumentsEnd = stream.Position }
                        : layout with { FilesStart = start, FilesEnd = stream.Position };
                }
            }

            writer.WriteEndObject();
            Drain(all: true);
        });
        return listsFrom is null ? null : layout;
    }

    /// <summary>
    /// Writes a value as the serializer would, but a long list (the analysis results' hashes, one per document) entry by
    /// entry with the buffer drained between them, so no buffer grows to the list's size.
    /// </summary>
    private static void WriteValue(Utf8JsonWriter writer, object? value, Type type, JsonSerializerOptions options, Action<bool> drain)
    {
        if (value is IReadOnlyList<string> { Count: >= StreamedListLength } strings)
        {
            writer.WriteStartArray();
            foreach (var entry in strings)
            {
                writer.WriteStringValue(entry);
                drain(false);
            }

            writer.WriteEndArray();
        }
        else if (value is System.Collections.IList { Count: >= StreamedListLength } list)
        {
            writer.WriteStartArray();
            foreach (var entry in list)
            {
                JsonSerializer.Serialize(writer, entry, entry?.GetType() ?? typeof(object), options);
                drain(false);
            }

            writer.WriteEndArray();
        }
        else if (value is ManifestOutputs outputs)
        {
            writer.WriteStartObject();
            foreach (var property in options.GetTypeInfo(typeof(ManifestOutputs)).Properties)
            {
                writer.WritePropertyName(property.Name);
                WriteValue(writer, property.Get!(outputs), property.PropertyType, options, drain);
            }

            writer.WriteEndObject();
        }
        else
        {
            JsonSerializer.Serialize(writer, value, type, options);
        }
    }

    private const int StreamedListLength = 256;

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);

    /// <summary>Reads a JSON document token by token through a bounded buffer; stops when the handler returns false.</summary>
    private static void Read(Stream stream, TokenHandler handler)
    {
        var buffer = new byte[ChunkBytes];
        var length = 0;
        var final = false;
        var state = new JsonReaderState(ReaderOptions);
        while (true)
        {
            while (!final && length < buffer.Length)
            {
                var read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    final = true;
                }

                length += read;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
            while (reader.Read())
            {
                if (!handler(ref reader))
                {
                    return;
                }
            }

            if (final)
            {
                return;
            }

            var consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
            if (consumed == 0)
            {
                // One token is larger than the buffer (a long string): make room for it.
                Array.Resize(ref buffer, buffer.Length * 2);
                continue;
            }

            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
        }
    }

    /// <summary>Writes the reader's current token to <paramref name="writer"/>.</summary>
    private static void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            // Text the reader holds unescaped is written from its bytes: a string per token was most of what rewriting a
            // manifest of 100,000 documents allocated.
            case JsonTokenType.PropertyName when !reader.ValueIsEscaped && !reader.HasValueSequence:
                writer.WritePropertyName(reader.ValueSpan);
                break;
            case JsonTokenType.PropertyName:
                writer.WritePropertyName(reader.GetString()!);
                break;
            case JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence:
                writer.WriteStringValue(reader.ValueSpan);
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(reader.GetString());
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
            default:
                throw new JsonException($"unexpected {reader.TokenType} in a manifest");
        }
    }
}
