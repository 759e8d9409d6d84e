using Discernus.Agents;
using Discernus.Reports;
using Parquet.Serialization;

namespace Discernus.Tests.Agents;

/// <summary>The exports written one result at a time equal the tables the synthesis used to build whole in memory.</summary>
public sealed class RunExportsTests : IDisposable
{
    private static readonly string[] Dimensions = ["people_centrism", "anti_elitism", "pluralist_tolerance"];
    private static readonly string[] DerivedMetrics = ["populism_index", "balance", "ratio"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task StreamedExports_AreByteForByteTheInMemoryFiles(string format)
    {
        var results = VariedResults(120);
        var expected = await InMemorySynthesisReference.FilesAsync(InMemorySynthesisReference.Tables(results, Dimensions, DerivedMetrics), format);

        var files = await WriteStreamedAsync(results, format, rowGroupSize: 7);

        Assert.Equal(expected.Keys, files.Select(f => f.Name));
        foreach (var file in files)
        {
            Assert.Equal(Encoding(expected[file.Name]), Encoding(await File.ReadAllBytesAsync(file.Path)));
        }
    }

    [Fact]
    public async Task StreamedParquet_HoldsTheInMemoryColumnsAndRows_AcrossManyRowGroups()
    {
        var results = VariedResults(120);
        var tables = InMemorySynthesisReference.Tables(results, Dimensions, DerivedMetrics);
        var expected = await InMemorySynthesisReference.FilesAsync(tables, "parquet");

        // Seven rows per group: every table spans many row groups, the last one partial.
        var files = await WriteStreamedAsync(results, "parquet", rowGroupSize: 7);

        Assert.Equal(expected.Keys, files.Select(f => f.Name));
        foreach (var file in files)
        {
            var want = await ParquetSerializer.DeserializeUntypedAsync(new MemoryStream(expected[file.Name]));
            await using var stream = File.OpenRead(file.Path);
            var got = await ParquetSerializer.DeserializeUntypedAsync(stream);
            Assert.Equal(want.Schema.DataFields.Select(f => (f.Name, f.ClrType, f.IsNullable)), got.Schema.DataFields.Select(f => (f.Name, f.ClrType, f.IsNullable)));
            Assert.Equal(tables.Single(t => file.Name == $"{t.Name}.parquet").Rows.Count, got.Data.Count);
            Assert.Equal(want.Data.Count, got.Data.Count);
            Assert.True(got.Data.Count > 7, $"{file.Name} should span several row groups");
            for (var i = 0; i < want.Data.Count; i++)
            {
                Assert.Equal(want.Data[i].OrderBy(kv => kv.Key, StringComparer.Ordinal), got.Data[i].OrderBy(kv => kv.Key, StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public async Task RowCounts_AreTheRowsOfEachTable()
    {
        var results = VariedResults(30);
        var tables = InMemorySynthesisReference.Tables(results, Dimensions, DerivedMetrics);

        var files = await WriteStreamedAsync(results, "csv", rowGroupSize: ExportWriter.DefaultRowGroupSize);

        Assert.Equal(tables.Select(t => t.Rows.Count), files.Select(f => f.Rows));
        Assert.Equal(30, files[0].Rows);
        Assert.Equal(30 * DerivedMetrics.Length, files[1].Rows);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>
    /// Results that exercise every rule of the tables: two models and two runs, corpus ids that repeat (ties keep task
    /// order) and are added out of order, metadata fields only some results have (one null), a dimension missing and
    /// one the framework lacks, derived metrics that are missing, NaN or infinite, and quotes CSV must quote.
    /// </summary>
    internal static List<AnalysisResult> VariedResults(int count)
    {
        var random = new Random(20261201);
        var results = new List<AnalysisResult>();
        for (var i = 0; i < count; i++)
        {
            var document = random.Next(count / 3 + 1);
            var metadata = new Dictionary<string, string>();
            if (i % 2 == 0)
            {
                metadata["era"] = $"era_{i % 4}";
            }

            if (i % 3 == 0)
            {
                metadata["party"] = i % 9 == 0 ? "Democratic-Republican, \"Jeffersonian\"" : "Whig";
            }

            if (i == 5)
            {
                metadata["note"] = null!;
            }

            var analysis = new Dictionary<string, DimensionScore>();
            foreach (var dimension in Dimensions.Where((_, d) => (i + d) % 7 != 0))
            {
                analysis[dimension] = new DimensionScore
                {
                    Score = i % 11 == 0 ? null : Math.Round(random.NextDouble(), i % 5) / 3,
                    Salience = random.NextDouble(),
                    Confidence = i % 13 == 0 ? null : random.NextDouble(),
                    Evidence = Enumerable.Range(0, random.Next(4)).Select(q => new EvidenceQuote(
                        q switch
                        {
                            0 => $"We the people, {i} \"quoted\"",
                            1 => $"a line\nbreak and ünïcödé {dimension}",
                            _ => i == 17 ? null! : $"plain quote {i}-{q}",
                        },
                        (i + q) % 3 != 0)).ToList(),
                    NotScorableReason = i % 17 == 0 ? "no markers" : null,
                };
            }

            if (i % 10 == 0)
            {
                analysis["extra_dimension"] = new DimensionScore { Score = 0.5, Evidence = [new EvidenceQuote("not in the framework", true)] };
            }

            var derived = new Dictionary<string, double?> { ["populism_index"] = random.NextDouble() * 1e-7 };
            if (i % 4 != 0)
            {
                derived["balance"] = i % 8 == 1 ? double.NaN : i % 8 == 3 ? double.PositiveInfinity : 1.0 / (i + 3);
            }

            results.Add(new AnalysisResult
            {
                DocumentId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(document))),
                DocumentName = $"speech_{document:000}.txt",
                CorpusDocumentId = $"doc_{count - document:000}",
                Metadata = metadata,
                FrameworkAnalysis = analysis,
                DerivedMetrics = derived,
                ProcessingMetadata = new ProcessingMetadata
                {
                    Timestamp = "2026-12-01T00:00:00Z",
                    Model = i % 5 == 0 ? "openai/gpt-5-mini" : "lexicon",
                    ModelVersion = i % 5 == 0 ? $"gpt-5-mini-2026-0{1 + (i % 2)}" : null,
                    Run = 1 + (i % 2),
                    TokensUsed = new TokenUsage(10, 2),
                    PromptHash = new string('a', 64),
                    FrameworkHash = new string('b', 64),
                    DocumentHash = new string('c', 64),
                    TaskId = $"run:analyse_document:{i}",
                },
            });
        }

        return results;
    }

    private static string Encoding(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    private async Task<IReadOnlyList<ExportFile>> WriteStreamedAsync(List<AnalysisResult> results, string format, int rowGroupSize)
    {
        using var exports = new RunExports(Dimensions, DerivedMetrics, rowGroupSize);
        var records = new AnalysisRecordFactory();
        foreach (var result in results)
        {
            exports.Add(result, records.Create(result));
        }

        return await exports.WriteAsync(Path.Combine(_folder, format), [format]);
    }
}
