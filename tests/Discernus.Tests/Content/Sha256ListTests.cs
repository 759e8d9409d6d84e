using System.Text.Json;
using Discernus.Content;
using Discernus.Provenance;

namespace Discernus.Tests.Content;

public sealed class Sha256ListTests
{
    private static readonly string[] Hashes = [.. Enumerable.Range(0, 40).Select(i => Hashing.Sha256Hex($"result {i}"))];

    [Fact]
    public void Packed_hashes_read_back_as_the_strings_they_were_in_their_order()
    {
        var list = Sha256List.From(Hashes.Where(_ => true));

        Assert.IsType<Sha256List>(list);
        Assert.Equal(Hashes, list);
        Assert.Equal(Hashes.Length, list.Count);
        Assert.Equal(Hashes[17], list[17]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[Hashes.Length]);
    }

    [Theory]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("../../outside")]
    [InlineData("")]
    public void A_list_with_an_entry_that_is_not_a_lowercase_hash_is_kept_as_it_was_given(string odd)
    {
        string[] given = [Hashes[0], odd, Hashes[1]];

        var list = Sha256List.From(given);

        Assert.IsNotType<Sha256List>(list);
        Assert.Equal(given, list);
    }

    [Fact]
    public void A_manifest_holds_its_analysis_results_packed_and_writes_them_as_before()
    {
        var outputs = new ManifestOutputs { AnalysisResults = [.. Hashes] };
        var json = DiscernusJson.Serialize(outputs);

        var read = JsonSerializer.Deserialize<ManifestOutputs>(json, DiscernusJson.Indented)!;

        Assert.IsType<Sha256List>(read.AnalysisResults);
        Assert.Equal(Hashes, read.AnalysisResults);
        Assert.Equal(json, DiscernusJson.Serialize(read));
        var entries = JsonDocument.Parse(json).RootElement.GetProperty("analysis_results").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(Hashes, entries);
    }

    [Fact]
    public void A_hand_edited_manifest_entry_survives_reading_and_writing()
    {
        var outputs = new ManifestOutputs { AnalysisResults = [Hashes[0], "not-a-hash"] };

        var read = JsonSerializer.Deserialize<ManifestOutputs>(DiscernusJson.Serialize(outputs), DiscernusJson.Indented)!;

        Assert.Equal([Hashes[0], "not-a-hash"], read.AnalysisResults);
    }

    [Fact]
    public void Hashes_set_by_position_in_any_order_read_back_in_the_order_of_their_positions_without_the_empty_ones()
    {
        var byPosition = new Sha256List.ByPosition(Hashes.Length + 10);
        // Results arrive as tasks finish: backwards here, every position a hash except the ten at the end, and one twice.
        for (var i = Hashes.Length - 1; i >= 0; i--)
        {
            byPosition.Set(i, Hashes[i]);
        }

        byPosition.Set(3, Hashes[3]);

        Assert.Equal(Hashes.Length, byPosition.Count);
        var list = byPosition.InOrder();
        Assert.IsType<Sha256List>(list);
        Assert.Equal(Hashes, list);
    }

    [Fact]
    public void A_position_is_set_only_to_a_lowercase_hash_and_set_again_holds_the_last()
    {
        var byPosition = new Sha256List.ByPosition(4);
        byPosition.Set(2, Hashes[2]);

        Assert.Throws<ArgumentException>(() => byPosition.Set(0, Hashes[0].ToUpperInvariant()));
        Assert.Throws<ArgumentException>(() => byPosition.Set(0, "not-a-hash"));
        byPosition.Set(3, Hashes[4]);
        byPosition.Set(3, Hashes[3]);

        Assert.Equal([Hashes[2], Hashes[3]], byPosition.InOrder());
        Assert.Equal(2, byPosition.Count);
    }
}
