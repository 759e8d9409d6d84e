using System.Collections.Concurrent;
using System.Text;
using Discernus.Experiments;

namespace Discernus.Application;

/// <summary>One coder's judgement of one evidence quote: does it support the model's reading of the dimension?</summary>
public sealed record EvidenceJudgement(string DocumentId, string Dimension, string Model, string RunId, string Quote, bool Supports, string Coder);

/// <summary>
/// Saves human codes into the experiment folder: scores into its gold file (<c>components.gold</c>, else
/// <c>gold.csv</c>, which the next run reads), evidence judgements into the sibling <c>&lt;gold&gt;_evidence.csv</c>.
/// <para>Every save is a read-merge-write under two locks: one per file inside this process and an exclusive lock file
/// beside it across processes (two servers, or a person editing by script). The merge keeps every line it does not
/// replace (<see cref="GoldFile.Merge"/>), and the new text replaces the file by rename, so a reader never sees half a
/// file and concurrent coders never lose each other's lines.</para>
/// </summary>
public sealed class GoldStore
{
    public static readonly IReadOnlyList<string> EvidenceColumns = ["document_id", "dimension", "model", "run_id", "quote", "supports", "coder"];

    private const int LockAttempts = 200;
    private static readonly TimeSpan LockPause = TimeSpan.FromMilliseconds(50);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The gold file of <paramref name="experiment"/>: the one it names, else <c>gold.csv</c> in its folder.</summary>
    public static string GoldPath(Experiment experiment) => experiment.GoldPath ?? Path.Combine(experiment.Directory, GoldFile.DefaultFileName);

    public static string EvidencePath(Experiment experiment)
    {
        var gold = GoldPath(experiment);
        return Path.Combine(Path.GetDirectoryName(gold)!, Path.GetFileNameWithoutExtension(gold) + "_evidence.csv");
    }

    /// <summary>Every rating in the gold file now (not as the experiment was read): what agreement is computed from.</summary>
    public static IReadOnlyList<GoldRating> Read(Experiment experiment)
    {
        var path = GoldPath(experiment);
        return File.Exists(path) ? GoldFile.Parse(File.ReadAllText(path)).Ratings : [];
    }

    public static IReadOnlyList<EvidenceJudgement> ReadEvidence(Experiment experiment)
    {
        var path = EvidencePath(experiment);
        if (!File.Exists(path))
        {
            return [];
        }

        using var reader = new StringReader(File.ReadAllText(path));
        using var csv = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture);
        var judgements = new List<EvidenceJudgement>();
        if (!csv.Read() || !csv.ReadHeader())
        {
            return judgements;
        }

        while (csv.Read())
        {
            string Field(string name) => csv.TryGetField<string>(name, out var v) ? SpreadsheetSafeCsvWriter.Unescape(v?.Trim() ?? string.Empty) : string.Empty;
            judgements.Add(new EvidenceJudgement(Field("document_id"), Field("dimension"), Field("model"), Field("run_id"), Field("quote"),
                Field("supports") == "yes", Field("coder")));
        }

        return judgements;
    }

    public Task SaveAsync(Experiment experiment, IReadOnlyCollection<GoldRating> ratings, CancellationToken cancellationToken) =>
        UpdateAsync(GoldPath(experiment), existing => GoldFile.Merge(existing, ratings), cancellationToken);

    public Task SaveEvidenceAsync(Experiment experiment, IReadOnlyCollection<EvidenceJudgement> judgements, CancellationToken cancellationToken)
    {
        var rows = judgements.Select(j => (IReadOnlyList<string>)[j.DocumentId, j.Dimension, j.Model, j.RunId, j.Quote, j.Supports ? "yes" : "no", j.Coder]).ToList();
        return UpdateAsync(EvidencePath(experiment), existing => KeyedCsv.Merge(existing, EvidenceColumns, ["document_id", "dimension", "model", "quote", "coder"], rows), cancellationToken);
    }

    private async Task UpdateAsync(string path, Func<string?, string> merge, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var fileLock = await LockAsync(Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.lock"), cancellationToken);
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : null;
            var text = merge(existing);
            var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            try
            {
                await File.WriteAllTextAsync(temp, text, Utf8, cancellationToken);
                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// An exclusive lock on a lock file beside the gold file (opened without sharing, which .NET maps to flock on Unix);
    /// waits up to ten seconds for another process to let go. The lock file is left in place: deleting it on close
    /// would let two waiters lock two different files.
    /// </summary>
    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (attempt < LockAttempts)
            {
                await Task.Delay(LockPause, cancellationToken);
            }
        }
    }
}
