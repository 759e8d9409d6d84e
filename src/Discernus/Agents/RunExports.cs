using System.Text;
using Discernus.Reports;
using Discernus.Statistics;

namespace Discernus.Agents;

/// <summary>
/// The export files of a run (<c>results/exports/</c>): the scores, derived-metric and evidence tables as CSV, Parquet
/// or JSON (for <c>discernus export --format json</c>), built from its analysis results one at a time. The numbers of a
/// result stay in its compact <see cref="AnalysisRecord"/> and its quotes go to a spool file on disk, so no result and
/// no quote is held in memory; the tables are written at the end because their row order (corpus document id, model,
/// run) and their metadata columns (every field of every result) are known only then. The synthesis and the export
/// command build them the same way, so a re-export of a run folder gives the same files.
/// </summary>
internal sealed class RunExports : IDisposable
{
    private readonly IReadOnlyList<string> _dimensions;
    private readonly IReadOnlyList<string> _derivedMetrics;
    private readonly int _rowGroupSize;
    private readonly FileStream _spool;
    private readonly BinaryWriter _spoolWriter;
    private readonly List<AnalysisRecord> _records = [];
    private readonly List<long> _offsets = [];
    private readonly SortedSet<string> _metadataKeys = new(StringComparer.Ordinal);

    /// <param name="dimensions">The framework's dimensions, in column order.</param>
    /// <param name="derivedMetrics">The framework's derived metrics, in column order.</param>
    /// <param name="rowGroupSize">Rows per Parquet row group.</param>
    public RunExports(IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics, int rowGroupSize = ExportWriter.DefaultRowGroupSize)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(derivedMetrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        _dimensions = dimensions;
        _derivedMetrics = derivedMetrics;
        _rowGroupSize = rowGroupSize;
        var path = Path.Combine(Path.GetTempPath(), $"discernus-evidence-{Guid.NewGuid():N}.spool");
        _spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _spoolWriter = new BinaryWriter(_spool, Encoding.UTF8, leaveOpen: true);
    }

    /// <summary>
    /// The score a run's calibration gave an analysis (its raw record) on a dimension, or null when it calibrated none;
    /// set before <see cref="WriteAsync"/>, it adds a calibrated column beside each raw score.
    /// </summary>
    public Func<AnalysisRecord, string, double?>? Calibrated { get; set; }

    /// <summary>Analyses added so far.</summary>
    public int Count => _records.Count;

    /// <summary>Adds one analysis; <paramref name="record"/> is its compact form (<see cref="AnalysisRecordFactory"/>), kept, while the result can go.</summary>
    public void Add(AnalysisResult result, AnalysisRecord record)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(record);
        _records.Add(record);
        _offsets.Add(_spool.Position);
        foreach (var key in record.Metadata.Keys)
        {
            _metadataKeys.Add(key);
        }

        foreach (var dimension in _dimensions)
        {
            var evidence = result.FrameworkAnalysis.GetValueOrDefault(dimension)?.Evidence ?? [];
            _spoolWriter.Write7BitEncodedInt(evidence.Count);
            foreach (var quote in evidence)
            {
                _spoolWriter.Write(quote.Quote is not null);
                if (quote.Quote is not null)
                {
                    _spoolWriter.Write(quote.Quote);
                }

                _spoolWriter.Write(quote.Verified);
            }
        }
    }

    /// <summary>Writes every table in every format (<c>csv</c>, <c>parquet</c>, <c>json</c>) into <paramref name="directory"/>, overwriting files of the same name.</summary>
    /// <returns>The files, by format and then table (scores, derived_metrics, evidence).</returns>
    public async Task<IReadOnlyList<ExportFile>> WriteAsync(string directory, IReadOnlyList<string> formats, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(formats);
        Directory.CreateDirectory(directory);
        _spoolWriter.Flush();
        var metadataKeys = _metadataKeys.ToList();
        var order = Enumerable.Range(0, _records.Count).ToArray();
        Array.Sort(order, CompareRows);

        var outputs = new List<(string Table, ExportFile File, ExportWriter Writer)>();
        try
        {
            await OpenWritersAsync(directory, formats, metadataKeys, outputs, cancellationToken).ConfigureAwait(false);

            var evidence = new List<EvidenceRow>();
            var counts = new (int Verified, int Unverified)[_dimensions.Count];
            using var reader = new BinaryReader(_spool, Encoding.UTF8, leaveOpen: true);
            foreach (var index in order)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = _records[index];
                _spool.Position = _offsets[index];
                ReadEvidence(reader, record, evidence, counts);
                var row = ScoreRowOf(record, counts);
                var scores = ScoresTable.ScoresCells(row, metadataKeys, _dimensions, _derivedMetrics);
                var derived = ScoresTable.DerivedMetricsCells(row, metadataKeys, _derivedMetrics).ToList();
                await WriteRowAsync(outputs, scores, derived, evidence, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (_, _, writer) in outputs)
            {
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            return outputs.Select(o => o.File with { Rows = o.Writer.Rows }).ToList();
        }
        finally
        {
            foreach (var (_, _, writer) in outputs)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }

            // Further results are appended after those already spooled.
            _spool.Seek(0, SeekOrigin.End);
        }
    }

    /// <summary>Opens a writer for every table in every format; <paramref name="outputs"/> holds each as it opens, for the caller to dispose.</summary>
    private async Task OpenWritersAsync(string directory, IReadOnlyList<string> formats, List<string> metadataKeys, List<(string Table, ExportFile File, ExportWriter Writer)> outputs, CancellationToken cancellationToken)
    {
        foreach (var format in formats)
        {
            foreach (var table in ScoresTable.Names)
            {
                var columns = table switch
                {
                    ScoresTable.ScoresName => ScoresTable.ScoresColumns(metadataKeys, _dimensions, _derivedMetrics, Calibrated is not null),
                    ScoresTable.DerivedMetricsName => ScoresTable.DerivedMetricsColumns(metadataKeys),
                    _ => ScoresTable.EvidenceColumns,
                };
                var file = new ExportFile($"{table}.{format}", Path.Combine(directory, $"{table}.{format}"), 0);
                outputs.Add((table, file, await OpenAsync(format, file.Path, columns, _rowGroupSize, cancellationToken).ConfigureAwait(false)));
            }
        }
    }

    /// <summary>One document's rows: its scores, its derived metrics, and its evidence quotes, each to its table's writers.</summary>
    private static async Task WriteRowAsync(List<(string Table, ExportFile File, ExportWriter Writer)> outputs, IReadOnlyList<object?> scores, List<IReadOnlyList<object?>> derived,
        List<EvidenceRow> evidence, CancellationToken cancellationToken)
    {
        foreach (var (table, _, writer) in outputs)
        {
            switch (table)
            {
                case ScoresTable.ScoresName:
                    await writer.WriteRowAsync(scores, cancellationToken).ConfigureAwait(false);
                    break;
                case ScoresTable.DerivedMetricsName:
                    foreach (var cells in derived)
                    {
                        await writer.WriteRowAsync(cells, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                default:
                    foreach (var quote in evidence)
                    {
                        await writer.WriteRowAsync(ScoresTable.EvidenceCells(quote), cancellationToken).ConfigureAwait(false);
                    }

                    break;
            }
        }
    }

    public void Dispose()
    {
        _spoolWriter.Dispose();
        _spool.Dispose();
    }

    private static async Task<ExportWriter> OpenAsync(string format, string path, IReadOnlyList<ExportColumn> columns, int rowGroupSize, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            return await ExportWriter.CreateAsync(format, stream, columns, rowGroupSize, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void ReadEvidence(BinaryReader reader, AnalysisRecord record, List<EvidenceRow> evidence, (int Verified, int Unverified)[] counts)
    {
        evidence.Clear();
        for (var d = 0; d < _dimensions.Count; d++)
        {
            var quotes = reader.Read7BitEncodedInt();
            counts[d] = (0, 0);
            for (var q = 0; q < quotes; q++)
            {
                var text = reader.ReadBoolean() ? reader.ReadString() : null;
                var verified = reader.ReadBoolean();
                counts[d] = verified ? (counts[d].Verified + 1, counts[d].Unverified) : (counts[d].Verified, counts[d].Unverified + 1);
                evidence.Add(new EvidenceRow(record.CorpusDocumentId!, _dimensions[d], text!, verified, record.Model!, record.Run));
            }
        }
    }

    private ScoreRow ScoreRowOf(AnalysisRecord record, (int Verified, int Unverified)[] counts)
    {
        var dimensions = new Dictionary<string, (double? Score, double? Salience, double? Confidence, int Verified, int Unverified)>(StringComparer.Ordinal);
        for (var d = 0; d < _dimensions.Count; d++)
        {
            if (record.Dimensions.TryGetValue(_dimensions[d], out var values))
            {
                dimensions[_dimensions[d]] = (values.Score, values.Salience, values.Confidence, counts[d].Verified, counts[d].Unverified);
            }
        }

        return new ScoreRow(record.DocumentName, record.CorpusDocumentId!, record.DocumentHash!, record.Model!, record.Run, record.Metadata, dimensions, record.DerivedMetrics)
        {
            Calibrated = Calibrated is { } calibrated
                ? _dimensions.ToDictionary(d => d, d => calibrated(record, d), StringComparer.Ordinal)
                : null,
        };
    }

    // Corpus document id, model, run, then the order added (task order): the files never depend on timing.
    private int CompareRows(int a, int b)
    {
        var x = _records[a];
        var y = _records[b];
        var order = string.CompareOrdinal(x.CorpusDocumentId, y.CorpusDocumentId);
        if (order == 0)
        {
            order = string.CompareOrdinal(x.Model, y.Model);
        }

        if (order == 0)
        {
            order = x.Run.CompareTo(y.Run);
        }

        return order != 0 ? order : a.CompareTo(b);
    }
}
