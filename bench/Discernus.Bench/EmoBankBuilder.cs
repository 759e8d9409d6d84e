using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

/// <summary>
/// <c>emobank-build &lt;emobank-checkout&gt; &lt;work-dir&gt; --framework FILE [--sentences 600] [--coded 300] [--seed 20240601]</c>:
/// the experiment of <c>bench/validity.sh</c> from a checkout of JULIELab/EmoBank (CC-BY-SA 4.0). In the work folder:
/// <list type="bullet">
/// <item><c>experiment/</c>: experiment.md, the framework (copied), corpus.md (manifest with each sentence's genre),
/// corpus/*.txt (one sentence each) and gold.csv: the individual reader ratings of valence and arousal of the
/// <c>--coded</c> sentences, mapped from SAM's 1–5 to 0–1 by (x − 1) / 4, one row per reader as coder reader_k
/// (k = the rating's row order within the sentence in individual_reader_ratings.csv; readers are anonymous, so
/// reader_1 of two sentences are not the same person).</item>
/// <item><c>heldout.csv</c>: the same rows for the other sentences, kept outside the experiment: the run never sees
/// them; the bench compares the run's scores with them.</item>
/// <item><c>sample.csv</c> (document_id, genre, coded) and <c>build.json</c> (counts, seed, what was skipped).</item>
/// </list>
/// Ratings are cleaned as EmoBank's own aggregation does (corpus/aggregation.ipynb): a rating with V = A = D = 1 is
/// dropped as invalid, and a sentence needs at least two remaining ratings; the readers' mean of a kept sentence then
/// equals reader.csv (checked). Sentences without such ratings, without a genre or without a letter or digit are
/// skipped. The sample is stratified by genre (proportional allocation, largest remainder), and so is the coded
/// subset within it; both draws use System.Random(seed), whose seeded sequence is stable across .NET versions.
/// </summary>
internal static class EmoBankBuilder
{
    public const string Valence = "valence";
    public const string Arousal = "arousal";
    public const int DefaultSentences = 600;
    public const int DefaultCoded = 300;
    public const int DefaultSeed = 20240601;

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: emobank-build <emobank-checkout> <work-dir> --framework FILE [--sentences N] [--coded N] [--seed S]");
            return 2;
        }

        var (checkout, work) = (args[0], args[1]);
        string? framework = null;
        int sentences = DefaultSentences, coded = DefaultCoded, seed = DefaultSeed;
        for (var i = 2; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--framework": framework = value; break;
                case "--sentences": sentences = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--coded": coded = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }

            i++;
        }

        if (framework is null || !File.Exists(framework))
        {
            throw new ArgumentException("--framework FILE (bench/emobank/framework.md) is required");
        }

        if (sentences < 2 || coded < 1 || coded >= sentences)
        {
            throw new ArgumentException($"need 1 <= --coded ({coded}) < --sentences ({sentences})");
        }

        var corpus = Path.Combine(checkout, "corpus");
        foreach (var name in new[] { "raw.csv", "individual_reader_ratings.csv", "meta.tsv", "reader.csv" })
        {
            if (!File.Exists(Path.Combine(corpus, name)))
            {
                throw new FileNotFoundException($"{Path.Combine(corpus, name)} is missing: give the path of a checkout of JULIELab/EmoBank");
            }
        }

        var texts = ReadCsv(Path.Combine(corpus, "raw.csv")).ToDictionary(r => r["id"], r => r["text"], StringComparer.Ordinal);
        var genres = File.ReadLines(Path.Combine(corpus, "meta.tsv")).Skip(1).Select(l => l.Split('\t'))
            .Where(f => f.Length >= 3 && f[2].Trim().Length > 0).ToDictionary(f => f[0], f => f[2].Trim(), StringComparer.Ordinal);
        var ratings = ReadRatings(Path.Combine(corpus, "individual_reader_ratings.csv"));
        var published = ReadCsv(Path.Combine(corpus, "reader.csv")).ToDictionary(r => r["id"], r => (V: Parse(r["V"]), A: Parse(r["A"])), StringComparer.Ordinal);

        // Eligible sentences, and why the others are not.
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Skip(string reason) => skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
        var eligible = new List<string>();
        var mismatches = 0;
        foreach (var id in texts.Keys.Order(StringComparer.Ordinal))
        {
            var valid = ratings.GetValueOrDefault(id)?.Where(r => r.Valid).ToList() ?? [];
            if (!texts[id].Any(char.IsLetterOrDigit)) { Skip("empty text (no letter or digit)"); continue; }
            if (!genres.ContainsKey(id)) { Skip("no genre in meta.tsv"); continue; }
            if (valid.Count < 2) { Skip("fewer than two valid reader ratings"); continue; }
            eligible.Add(id);
            if (published.TryGetValue(id, out var mean)
                && (Math.Abs(Math.Round(valid.Average(r => r.V), 2) - mean.V) > 0.006 || Math.Abs(Math.Round(valid.Average(r => r.A), 2) - mean.A) > 0.006))
            {
                mismatches++;
            }
        }

        if (eligible.Count < sentences)
        {
            throw new ArgumentException($"only {eligible.Count} eligible sentences, fewer than --sentences {sentences}");
        }

        // Stratified sample, then the coded subset stratified the same way inside it.
        var random = new Random(seed);
        var byGenre = eligible.GroupBy(id => genres[id], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Shuffle(g.ToList(), random), StringComparer.Ordinal);
        var take = Allocate(byGenre.ToDictionary(g => g.Key, g => g.Value.Count, StringComparer.Ordinal), sentences);
        var sample = byGenre.ToDictionary(g => g.Key, g => g.Value.Take(take[g.Key]).ToList(), StringComparer.Ordinal);
        var codedTake = Allocate(sample.ToDictionary(g => g.Key, g => g.Value.Count, StringComparer.Ordinal), coded);
        var codedIds = sample.SelectMany(g => g.Value.Take(codedTake[g.Key])).ToHashSet(StringComparer.Ordinal);
        var chosen = sample.SelectMany(g => g.Value).Order(StringComparer.Ordinal).ToList();

        var experiment = Path.Combine(work, "experiment");
        if (Directory.Exists(experiment))
        {
            Directory.Delete(experiment, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(experiment, "corpus"));
        File.Copy(framework, Path.Combine(experiment, "framework.md"));
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in chosen)
        {
            var file = FileName(id);
            if (!files.TryAdd(file, id) && files[file] != id)
            {
                throw new InvalidOperationException($"two sentence ids map to the file name {file}");
            }

            File.WriteAllText(Path.Combine(experiment, "corpus", file), texts[id].Trim() + "\n", new UTF8Encoding(false));
        }

        File.WriteAllText(Path.Combine(experiment, "experiment.md"), ExperimentText(sentences, coded, seed, sample, codedIds), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(experiment, "corpus.md"), CorpusText(chosen, genres, files), new UTF8Encoding(false));
        WriteRatings(Path.Combine(experiment, "gold.csv"), chosen.Where(codedIds.Contains), ratings);
        WriteRatings(Path.Combine(work, "heldout.csv"), chosen.Where(id => !codedIds.Contains(id)), ratings);
        File.WriteAllLines(Path.Combine(work, "sample.csv"),
            ["document_id,genre,coded", .. chosen.Select(id => $"{Csv(id)},{genres[id]},{(codedIds.Contains(id) ? "yes" : "no")}")]);

        var summary = new
        {
            checkout = Path.GetFullPath(checkout),
            seed,
            sentences,
            coded,
            eligible = eligible.Count,
            skipped,
            reader_means_differing_from_reader_csv = mismatches,
            genres = sample.ToDictionary(g => g.Key, g => new { sampled = g.Value.Count, coded = g.Value.Count(codedIds.Contains), eligible = byGenre[g.Key].Count }),
            ratings_per_sentence = chosen.GroupBy(id => ratings[id].Count(r => r.Valid)).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Count()),
        };
        File.WriteAllText(Path.Combine(work, "build.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        Console.Error.WriteLine($"emobank-build: {chosen.Count} sentences ({codedIds.Count} coded) of {eligible.Count} eligible, seed {seed}; "
            + $"{string.Join(", ", sample.Select(g => $"{g.Key} {g.Value.Count}"))}; skipped {skipped.Values.Sum()}; "
            + $"reader means differing from reader.csv: {mismatches}");
        Console.WriteLine(experiment);
        return 0;
    }

    internal sealed record Rating(int Reader, double V, double A, double D)
    {
        /// <summary>EmoBank's aggregation drops V = A = D = 1 as an invalid rating.</summary>
        public bool Valid => !(V == 1 && A == 1 && D == 1);
    }

    /// <summary>id → ratings in file order (Reader = 1-based position within the sentence).</summary>
    internal static Dictionary<string, List<Rating>> ReadRatings(string path)
    {
        var result = new Dictionary<string, List<Rating>>(StringComparer.Ordinal);
        foreach (var row in ReadCsv(path))
        {
            if (!result.TryGetValue(row["id"], out var list))
            {
                result[row["id"]] = list = [];
            }

            list.Add(new Rating(list.Count + 1, Parse(row["V"]), Parse(row["A"]), Parse(row["D"])));
        }

        return result;
    }

    internal static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null });
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord ?? throw new InvalidDataException($"{path} has no header");
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = csv.GetField(i) ?? string.Empty;
            }

            rows.Add(row);
        }

        return rows;
    }

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static List<string> Shuffle(List<string> ids, Random random)
    {
        for (var i = ids.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (ids[i], ids[j]) = (ids[j], ids[i]);
        }

        return ids;
    }

    /// <summary>Proportional allocation of <paramref name="total"/> over the strata, largest remainder (ties: stratum name).</summary>
    private static Dictionary<string, int> Allocate(Dictionary<string, int> sizes, int total)
    {
        var all = sizes.Values.Sum();
        var quotas = sizes.ToDictionary(s => s.Key, s => (double)total * s.Value / all, StringComparer.Ordinal);
        var result = quotas.ToDictionary(q => q.Key, q => Math.Min(sizes[q.Key], (int)Math.Floor(q.Value)), StringComparer.Ordinal);
        foreach (var key in quotas.OrderByDescending(q => q.Value - Math.Floor(q.Value)).ThenBy(q => q.Key, StringComparer.Ordinal).Select(q => q.Key))
        {
            if (result.Values.Sum() >= total)
            {
                break;
            }

            if (result[key] < sizes[key])
            {
                result[key]++;
            }
        }

        return result;
    }

    private static string FileName(string id)
    {
        var safe = new StringBuilder();
        foreach (var c in id)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return safe + ".txt";
    }

    private static string Csv(string value) => value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Yaml(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static void WriteRatings(string path, IEnumerable<string> ids, Dictionary<string, List<Rating>> ratings)
    {
        var lines = new List<string> { "document_id,dimension,score,coder" };
        foreach (var id in ids)
        {
            foreach (var rating in ratings[id].Where(r => r.Valid))
            {
                lines.Add(FormattableString.Invariant($"{Csv(id)},{Valence},{(rating.V - 1) / 4:0.####},reader_{rating.Reader}"));
                lines.Add(FormattableString.Invariant($"{Csv(id)},{Arousal},{(rating.A - 1) / 4:0.####},reader_{rating.Reader}"));
            }
        }

        File.WriteAllLines(path, lines);
    }

    private static string CorpusText(List<string> chosen, Dictionary<string, string> genres, Dictionary<string, string> files)
    {
        var byId = files.ToDictionary(f => f.Value, f => f.Key, StringComparer.Ordinal);
        var text = new StringBuilder();
        text.AppendLine("# EmoBank sample");
        text.AppendLine();
        text.AppendLine($"{chosen.Count} sentences of EmoBank (Buechel & Hahn, 2017), one per file, drawn by `bench/validity.sh` with");
        text.AppendLine("a seed and stratified by genre. Each document's `genre` is EmoBank's category (meta.tsv).");
        text.AppendLine();
        text.AppendLine("## Source and attribution");
        text.AppendLine();
        text.AppendLine("EmoBank, JULIE Lab, Friedrich-Schiller-Universität Jena: JULIELab/EmoBank on GitHub, licensed CC-BY-SA 4.0.");
        text.AppendLine("Its texts come from MASC (Ide et al., 2010) and the SemEval-2007 Task 14 headlines (Strapparava & Mihalcea,");
        text.AppendLine("2007). The sentences are copied unchanged except for surrounding white space. This folder is built on demand");
        text.AppendLine("and is not part of the Discernus repository.");
        text.AppendLine();
        text.AppendLine("## Machine-Readable Manifest");
        text.AppendLine();
        text.AppendLine("```yaml");
        text.AppendLine("name: emobank_sample");
        text.AppendLine("version: \"1.0\"");
        text.AppendLine("description: \"Sentences of EmoBank (CC-BY-SA 4.0), sampled by genre for the validity benchmark.\"");
        text.AppendLine(CultureInfo.InvariantCulture, $"total_documents: {chosen.Count}");
        text.AppendLine("documents:");
        foreach (var id in chosen)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {{filename: {Yaml(byId[id])}, document_id: {Yaml(id)}, metadata: {{genre: {Yaml(genres[id])}}}}}");
        }

        text.AppendLine("```");
        return text.ToString();
    }

    private static string ExperimentText(int sentences, int coded, int seed, Dictionary<string, List<string>> sample, HashSet<string> codedIds)
    {
        var strata = string.Join(", ", sample.Select(g => $"{g.Key} {g.Value.Count} ({g.Value.Count(codedIds.Contains)} coded)"));
        return $$"""
            # Reader emotion in EmoBank: does the framework measure what readers feel?

            ## Research question

            Do the framework's readings of valence and arousal (`framework.md`) agree with the ratings of EmoBank's
            readers, and how close do they come to the agreement of one reader with the others (the human ceiling)?

            ## Method

            {{sentences}} sentences of EmoBank, sampled with seed {{seed}} and stratified by genre: {{strata}}.
            The gold file (`gold.csv`) holds the individual reader ratings of {{coded}} of them, from the 5-point
            Self-Assessment Manikin mapped to 0–1 by (x − 1) / 4, one coder per reader (reader_k: the k-th rating of the
            sentence; readers are anonymous crowd workers, so reader_1 of two sentences need not be the same person).
            The ratings of the other sentences are held out by the benchmark and never given to the run.
            Built by `bench/validity.sh`; see `docs/validity.md`.

            ## Machine-Readable Appendix

            ```yaml
            metadata:
              experiment_name: emobank_validity
              author: "Discernus benchmarks (bench/validity.sh)"
              spec_version: "10.0"
            components:
              framework: framework.md
              corpus: corpus.md
              gold: gold.csv
            grouping:
              - genre
            ```

            """;
    }
}
