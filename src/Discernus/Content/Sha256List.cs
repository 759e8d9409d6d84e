using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Discernus.Content;

/// <summary>
/// A read-only list of SHA-256 hashes kept as their 32 bytes instead of 64-character strings (about 150 bytes each).
/// A run's analysis result hashes, one per analysed document, are held from BATCH ANALYSIS to the end of the run: 15 MB
/// as strings at 100,000 documents, 3.2 MB here. Each entry reads back as the lowercase hex string it was given.
/// </summary>
internal sealed class Sha256List : IReadOnlyList<string>
{
    private const int HashBytes = 32;
    private readonly byte[] _bytes;

    private Sha256List(byte[] bytes) => _bytes = bytes;

    public int Count => _bytes.Length / HashBytes;

    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Convert.ToHexStringLower(_bytes, index * HashBytes, HashBytes);
        }
    }

    /// <summary>
    /// <paramref name="hashes"/> packed, or, when one of them is not a lowercase SHA-256 (a hand-edited manifest), the
    /// same strings as a plain list, so that what was read is what is kept and written back.
    /// </summary>
    public static IReadOnlyList<string> From(IEnumerable<string> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var packer = new Packer(hashes.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var hash in hashes)
        {
            packer.Add(hash);
        }

        return packer.Result();
    }

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Hashes set by position, in any order (results arrive as their tasks finish), read out in the order of their
    /// positions without the empty ones: 32 bytes a position, so a million planned analyses hold 32 MB, not a
    /// million strings.
    /// </summary>
    public sealed class ByPosition(int positions)
    {
        private readonly byte[] _bytes = new byte[checked(positions * HashBytes)];
        private readonly BitArray _set = new(positions);

        /// <summary>How many positions have a hash.</summary>
        public int Count { get; private set; }

        /// <summary>Sets a position to <paramref name="hash"/>, which must be a lowercase SHA-256 (a result's store key).</summary>
        public void Set(int position, string hash)
        {
            if (!Hashing.IsSha256Hex(hash))
            {
                throw new ArgumentException($"'{hash}' is not a lowercase SHA-256", nameof(hash));
            }

            Convert.FromHexString(hash, _bytes.AsSpan(position * HashBytes, HashBytes), out _, out _);
            Count += _set[position] ? 0 : 1;
            _set[position] = true;
        }

        /// <summary>The hashes in the order of their positions.</summary>
        public Sha256List InOrder()
        {
            var packed = new byte[Count * HashBytes];
            var next = 0;
            for (var i = 0; i < _set.Length; i++)
            {
                if (_set[i])
                {
                    _bytes.AsSpan(i * HashBytes, HashBytes).CopyTo(packed.AsSpan(next++ * HashBytes));
                }
            }

            return new Sha256List(packed);
        }
    }

    /// <summary>Packs hashes one at a time; falls back to strings at the first entry that is not a hash.</summary>
    private sealed class Packer(int capacity)
    {
        private byte[] _bytes = new byte[capacity * HashBytes];
        private int _count;
        private List<string>? _strings;

        public void Add(string hash)
        {
            if (_strings is not null || !Hashing.IsSha256Hex(hash))
            {
                _strings ??= [.. new Sha256List(_bytes[..(_count * HashBytes)])];
                _strings.Add(hash);
                return;
            }

            if ((_count + 1) * HashBytes > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(HashBytes * 16, _bytes.Length * 2));
            }

            Convert.FromHexString(hash, _bytes.AsSpan(_count * HashBytes, HashBytes), out _, out _);
            _count++;
        }

        public IReadOnlyList<string> Result() =>
            _strings ?? (IReadOnlyList<string>)new Sha256List(_bytes.Length == _count * HashBytes ? _bytes : _bytes[..(_count * HashBytes)]);
    }

    /// <summary>A JSON array of strings read into a <see cref="Sha256List"/> entry by entry, never as a list of strings.</summary>
    public sealed class JsonConverter : JsonConverter<IReadOnlyList<string>>
    {
        public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("expected a list of SHA-256 hashes");
            }

            var packer = new Packer(0);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                packer.Add(reader.GetString() ?? throw new JsonException("a hash in the list is null"));
            }

            return packer.Result();
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var hash in value)
            {
                writer.WriteStringValue(hash);
            }

            writer.WriteEndArray();
        }
    }
}
