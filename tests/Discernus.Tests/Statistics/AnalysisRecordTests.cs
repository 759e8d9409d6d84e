using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

public sealed class AnalysisRecordTests
{
    [Theory]
    [InlineData("9086f64acc2291991ed2bb3d480df6d87f852b283f9bed557c02c890c8588c35")]
    [InlineData("9086F64ACC2291991ED2BB3D480DF6D87F852B283F9BED557C02C890C8588C35")]
    [InlineData("doc-1")]
    [InlineData("9086f64acc2291991ed2bb3d480df6d87f852b283f9bed557c02c890c8588c3")]
    [InlineData("9086f64acc2291991ed2bb3d480df6d87f852b283f9bed557c02c890c8588c3g")]
    [InlineData("")]
    [InlineData(null)]
    public void DocumentHash_ReadsBackExactlyAsGiven(string? hash)
    {
        var record = new AnalysisRecord { DocumentName = "a.txt", DocumentHash = hash };

        Assert.Equal(hash, record.DocumentHash);
        Assert.Equal(hash ?? "a.txt", record.DocumentKey);
        Assert.Equal(record, record with { });
        Assert.NotEqual(record, record with { DocumentHash = "other" });
    }

    [Fact]
    public void ARecord_DoesNotKeepTheTextOfItsHash()
    {
        // A million records each holding a 64-character string was a sixth of a million-document synthesis's memory.
        var (record, text) = RecordOfAFreshHash();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(text.TryGetTarget(out _), "the record still references the hash string it was given");
        Assert.Equal(64, record.DocumentHash!.Length);
    }

    [Fact]
    public void CompareDocumentKeys_OrdersAsTheKeysTextsDo()
    {
        var random = new Random(7);
        var records = Enumerable.Range(0, 400).Select(i => (i % 8) switch
        {
            0 => new AnalysisRecord { DocumentName = $"doc{i}.txt" },
            1 => new AnalysisRecord { DocumentName = $"doc{i}.txt", CorpusDocumentId = Convert.ToHexStringLower(SHA256.HashData([(byte)i])) },
            2 => new AnalysisRecord { DocumentName = "x", DocumentHash = Convert.ToHexString(SHA256.HashData([(byte)i])) },
            // Hashes that share long prefixes, so every one of the four numbers decides some pair.
            3 => new AnalysisRecord { DocumentName = "x", DocumentHash = new string('a', 64 - (i % 64)) + new string('0', i % 64) },
            _ => new AnalysisRecord { DocumentName = "x", DocumentHash = Convert.ToHexStringLower(SHA256.HashData([(byte)random.Next(40)])) },
        }).ToList();

        foreach (var x in records)
        {
            foreach (var y in records.Take(60))
            {
                Assert.Equal(Math.Sign(string.CompareOrdinal(x.DocumentKey, y.DocumentKey)), Math.Sign(AnalysisRecord.CompareDocumentKeys(x, y)));
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (AnalysisRecord Record, WeakReference<string> Text) RecordOfAFreshHash()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));
        return (new AnalysisRecord { DocumentName = "a.txt", DocumentHash = hash }, new WeakReference<string>(hash));
    }
}

public sealed class DocumentObservationTests
{
    [Fact]
    public void ADocumentAnalysedOnce_ReadsTheValuesTheAverageOfItsOneAnalysisWouldHold()
    {
        // The observation of a document analysed once reads its analysis instead of copying the numbers; it must give
        // exactly what averaging that one analysis gave: the value, and null for missing, NaN and infinities.
        var names = new DocumentObservation.Names(["a", "b", "c"], ["m", "n"]);
        double?[] pool = [0.25, null, double.NaN, double.PositiveInfinity, 1.0, -0.0, 0.1 + 0.2];
        var random = new Random(11);
        double? Any() => pool[random.Next(pool.Length)];
        for (var i = 0; i < 200; i++)
        {
            var dimensions = new Dictionary<string, DimensionValues>(StringComparer.Ordinal);
            foreach (var name in new[] { "a", "b", "c", "extra" }.Where(_ => random.Next(4) > 0))
            {
                dimensions[name] = new DimensionValues(Any(), Any(), Any());
            }

            var metrics = new Dictionary<string, double?>(StringComparer.Ordinal);
            foreach (var name in new[] { "m", "n" }.Where(_ => random.Next(3) > 0))
            {
                metrics[name] = Any();
            }

            var record = new AnalysisRecord { DocumentName = $"{i}.txt", Dimensions = dimensions, DerivedMetrics = metrics };
            var averaged = DocumentObservation.Create(record.Metadata, names, values =>
            {
                for (var d = 0; d < names.Dimensions.Count; d++)
                {
                    var v = dimensions.GetValueOrDefault(names.Dimensions[d]);
                    values.Score(d, StatisticsCalculator.MeanOrNull([v?.Score]));
                    values.Salience(d, StatisticsCalculator.MeanOrNull([v?.Salience]));
                    values.Confidence(d, StatisticsCalculator.MeanOrNull([v?.Confidence]));
                }

                for (var m = 0; m < names.DerivedMetrics.Count; m++)
                {
                    values.DerivedMetric(m, StatisticsCalculator.MeanOrNull([metrics.GetValueOrDefault(names.DerivedMetrics[m])]));
                }
            });
            var read = DocumentObservation.Of(record, names);

            for (var d = 0; d < names.Dimensions.Count; d++)
            {
                Assert.Equal(Bits(averaged.Score(d)), Bits(read.Score(d)));
                Assert.Equal(Bits(averaged.Salience(d)), Bits(read.Salience(d)));
                Assert.Equal(Bits(averaged.Confidence(d)), Bits(read.Confidence(d)));
            }

            for (var m = 0; m < names.DerivedMetrics.Count; m++)
            {
                Assert.Equal(Bits(averaged.DerivedMetric(m)), Bits(read.DerivedMetric(m)));
            }

            Assert.Same(record.Metadata, read.Metadata);
        }
    }

    private static long? Bits(double? value) => value is { } x ? BitConverter.DoubleToInt64Bits(x) : null;
}
