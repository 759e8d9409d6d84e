using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Discernus.Statistics;

/// <summary>
/// <c>emobank-analyse &lt;work-dir&gt; &lt;runs.tsv&gt; [--resamples 1000] [--seed 20240601] [--json FILE]</c>: the analysis
/// step of <c>bench/validity.sh</c>. Each line of runs.tsv is <c>model \t raw|calibrated \t run-folder \t wall-seconds</c>.
/// Prints a Markdown section: the human ceilings; per run, model and dimension the agreement with the readers' mean as
/// the run reports it (statistics.json <c>validity</c>, or, from a build without it, <c>reliability.comparisons</c> of
/// kind gold: point values only) and as the bench computes it on the coded sentences; the agreement on the held-out
/// sentences, whose ratings the run never saw; and the seconds per document.
/// <para>Agreement of a reading: Pearson r and Lin's CCC (the engine's own functions) between the run's score and the
/// mean of the sentence's readers. Human ceiling: each reader against the mean of the sentence's other readers, r and
/// CCC per reader position (reader_k) over the sentences, averaged over positions weighted by their sentences. Ratio to
/// the ceiling: reading r / ceiling r. Intervals: 95 % percentile, document-level bootstrap, the same resamples for a
/// reading, the ceiling and their ratio.</para>
/// </summary>
internal static class EmoBankAnalysis
{
    private static readonly string[] Dimensions = [EmoBankBuilder.Valence, EmoBankBuilder.Arousal];
    private const double Goal = 0.8;

    private sealed record Human(Dictionary<string, Dictionary<string, List<(int Reader, double Score)>>> ByDimension)
    {
        public IReadOnlyList<string> Documents(string dimension) => ByDimension[dimension].Keys.Order(StringComparer.Ordinal).ToList();

        public double Mean(string dimension, string document) => ByDimension[dimension][document].Average(r => r.Score);
    }

    private sealed record Est(double? Value, double? Lower, double? Upper)
    {
        public static readonly Est None = new(null, null, null);

        public string Text(bool interval = true) => Value is not { } v ? "—"
            : interval && Lower is { } l && Upper is { } u ? FormattableString.Invariant($"{v:0.00} [{l:0.00}, {u:0.00}]")
            : FormattableString.Invariant($"{v:0.00}");

        public object Json() => new { value = Value, lower = Lower, upper = Upper };
    }

    private sealed record Agreement(int Documents, Est Pearson, Est Ccc, Est Ratio, double? Mean, double? ReadersMean)
    {
        /// <summary>Distinct values of the reading over the compared documents: a handful means r rests on a few sentences.</summary>
        public int Distinct { get; init; }
    }

    private sealed record RunInfo(string Model, string Scores, string Folder, double WallSeconds)
    {
        public Dictionary<string, Dictionary<string, double>> ScoresByDimension { get; init; } = [];

        public int Documents { get; init; }

        public double? AnalysisSeconds { get; init; }

        public JsonNode? Statistics { get; init; }
    }

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: emobank-analyse <work-dir> <runs.tsv> [--resamples N] [--seed S] [--json FILE]");
            return 2;
        }

        var (work, runsFile) = (args[0], args[1]);
        int resamples = 1000, seed = EmoBankBuilder.DefaultSeed;
        string? jsonOut = null;
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--resamples": resamples = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--json": jsonOut = args[i + 1]; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        var coded = ReadHuman(Path.Combine(work, "experiment", "gold.csv"));
        var heldout = ReadHuman(Path.Combine(work, "heldout.csv"));
        var runs = File.ReadAllLines(runsFile).Where(l => l.Trim().Length > 0).Select(l => l.Split('\t')).Select(f => LoadRun(f[0], f[1], f[2], double.Parse(f[3], CultureInfo.InvariantCulture))).ToList();

        // Resample indices per (set, dimension), shared by the ceiling and every run: their ratio is over the same resamples.
        var sets = new[] { ("coded", coded), ("held-out", heldout) };
        var draws = new Dictionary<(string, string), int[][]>();
        var ceilings = new Dictionary<(string, string), (Est R, Est Ccc, double?[] RDraws, int Documents, double RatingsPerDocument)>();
        foreach (var (name, human) in sets)
        {
            foreach (var dimension in Dimensions)
            {
                var documents = human.Documents(dimension);
                var random = new Random(HashCode(seed, name, dimension));
                var indices = Enumerable.Range(0, resamples).Select(_ => Enumerable.Range(0, documents.Count).Select(_ => random.Next(documents.Count)).ToArray()).ToArray();
                draws[(name, dimension)] = indices;
                var all = Enumerable.Range(0, documents.Count).ToArray();
                var (r, ccc) = Ceiling(human, dimension, documents, all);
                var rDraws = new double?[resamples];
                var cccDraws = new double?[resamples];
                for (var b = 0; b < resamples; b++)
                {
                    (rDraws[b], cccDraws[b]) = Ceiling(human, dimension, documents, indices[b]);
                }

                ceilings[(name, dimension)] = (Interval(r, rDraws), Interval(ccc, cccDraws), rDraws, documents.Count,
                    documents.Average(d => human.ByDimension[dimension][d].Count));
            }
        }

        var results = new Dictionary<(RunInfo, string, string), Agreement>();
        foreach (var run in runs)
        {
            foreach (var (name, human) in sets)
            {
                foreach (var dimension in Dimensions)
                {
                    results[(run, name, dimension)] = Agree(run, human, dimension, draws[(name, dimension)], ceilings[(name, dimension)]);
                }
            }
        }

        var md = new StringBuilder();
        var mode = runs.Any(r => r.Scores == "calibrated") ? "raw and calibrated" : "raw only";
        md.AppendLine(CultureInfo.InvariantCulture, $"Runs ({mode}): {string.Join(", ", runs.Select(r => $"`{r.Model}` {r.Scores} (`{Path.GetFileName(r.Folder.TrimEnd('/'))}`)"))}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Intervals: 95 % percentile bootstrap over sentences, {resamples} resamples (seed {seed}), the same resamples for a reading, the ceiling and their ratio.");
        md.AppendLine();
        md.AppendLine("**Human ceiling** — each reader against the mean of the sentence's other readers (r and CCC per reader position, averaged weighted by sentences). "
            + "α: the readers' Krippendorff alpha (interval) = the reliability of one reader; attainable r: √ of the reliability of the readers' mean "
            + "(Spearman–Brown from α and each sentence's number of readers), the r with the readers' mean that an error-free measure would reach:");
        md.AppendLine();
        md.AppendLine("| dimension | sentences | ratings/sentence | α | ceiling r | ceiling CCC | attainable r | held-out sentences | held-out α | held-out ceiling r | held-out ceiling CCC | held-out attainable r |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var dimension in Dimensions)
        {
            var (c, h) = (ceilings[("coded", dimension)], ceilings[("held-out", dimension)]);
            var (ca, ct) = Reliability(coded, dimension);
            var (ha, ht) = Reliability(heldout, dimension);
            md.AppendLine(FormattableString.Invariant($"| {dimension} | {c.Documents} | {c.RatingsPerDocument:0.00} | {ca:0.00} | {c.R.Text()} | {c.Ccc.Text()} | {ct:0.00} | {h.Documents} | {ha:0.00} | {h.R.Text()} | {h.Ccc.Text()} | {ht:0.00} |"));
        }

        md.AppendLine();
        md.AppendLine("**Coded sentences** (the gold file) — r, CCC and ratio to the ceiling as the run reports them in statistics.json, and as the bench computes them from scores.csv:");
        md.AppendLine();
        md.AppendLine("| model | scores | dimension | run: r | run: CCC | run: ceiling r | run: ratio to ceiling | source | bench: r | bench: CCC | bench: ratio to ceiling |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var run in runs)
        {
            foreach (var dimension in Dimensions)
            {
                var (r, ccc, ceilingR, ratio, source) = Reported(run, dimension);
                var bench = results[(run, "coded", dimension)];
                md.AppendLine($"| {run.Model} | {run.Scores} | {dimension} | {r.Text()} | {ccc.Text()} | {ceilingR.Text()} | {ratio.Text()} | {source} | {bench.Pearson.Text()} | {bench.Ccc.Text()} | {bench.Ratio.Text()} |");
            }
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"**Held-out sentences** — readers' ratings the run never saw. Goal: calibrated offline r ≥ {Goal:0.0} × human ceiling on valence:");
        md.AppendLine();
        md.AppendLine("| model | scores | dimension | sentences | distinct scores | r | CCC | ratio to held-out ceiling | mean: run / readers | goal |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var run in runs)
        {
            foreach (var dimension in Dimensions)
            {
                var a = results[(run, "held-out", dimension)];
                var goal = dimension != EmoBankBuilder.Valence ? ""
                    : a.Ratio.Value is not { } ratio ? "—"
                    : ratio >= Goal ? (run.Scores == "calibrated" ? "**met**" : "met (raw)")
                    : FormattableString.Invariant($"not met (needs r ≥ {Goal * ceilings[("held-out", dimension)].R.Value:0.00})");
                md.AppendLine(FormattableString.Invariant($"| {run.Model} | {run.Scores} | {dimension} | {a.Documents} | {a.Distinct} | {a.Pearson.Text()} | {a.Ccc.Text()} | {a.Ratio.Text()} | {a.Mean:0.00} / {a.ReadersMean:0.00} | {goal} |"));
            }
        }

        md.AppendLine();
        md.AppendLine("**Time** — wall time of `discernus run` (start-up, analysis, synthesis, report; fresh artifact store, so `minilm` embeds every sentence) and of its batch-analysis stage, per document:");
        md.AppendLine();
        md.AppendLine("| model | scores | documents | wall s | s/document | analysis stage s/document |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var run in runs)
        {
            md.AppendLine(FormattableString.Invariant($"| {run.Model} | {run.Scores} | {run.Documents} | {run.WallSeconds:0.0} | {run.WallSeconds / Math.Max(1, run.Documents):0.000} | {(run.AnalysisSeconds is { } s ? (s / Math.Max(1, run.Documents)).ToString("0.000", CultureInfo.InvariantCulture) : "—")} |"));
        }

        Console.Write(md.ToString());
        if (jsonOut is not null)
        {
            var json = new
            {
                resamples,
                seed,
                ceilings = ceilings.Select(c => new { set = c.Key.Item1, dimension = c.Key.Item2, sentences = c.Value.Documents, pearson = c.Value.R.Json(), ccc = c.Value.Ccc.Json() }),
                runs = runs.Select(run => new
                {
                    model = run.Model,
                    scores = run.Scores,
                    folder = run.Folder,
                    documents = run.Documents,
                    wall_seconds = run.WallSeconds,
                    analysis_seconds = run.AnalysisSeconds,
                    agreement = results.Where(r => r.Key.Item1 == run).Select(r => new
                    {
                        set = r.Key.Item2,
                        dimension = r.Key.Item3,
                        sentences = r.Value.Documents,
                        pearson = r.Value.Pearson.Json(),
                        ccc = r.Value.Ccc.Json(),
                        ratio_to_ceiling = r.Value.Ratio.Json(),
                        distinct_scores = r.Value.Distinct,
                        mean = r.Value.Mean,
                        readers_mean = r.Value.ReadersMean,
                    }),
                    reported = Dimensions.Select(d => Reported(run, d)).Select((x, i) => new { dimension = Dimensions[i], pearson = x.R.Json(), ccc = x.Ccc.Json(), ceiling_pearson = x.Ceiling.Json(), ratio_to_ceiling = x.Ratio.Json(), source = x.Source }),
                }),
            };
            File.WriteAllText(jsonOut, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static int HashCode(int seed, string set, string dimension)
    {
        // A stable seed per set and dimension (string.GetHashCode is randomised per process).
        var h = seed;
        foreach (var c in set + "/" + dimension)
        {
            h = unchecked((h * 31) + c);
        }

        return h;
    }

    private static Human ReadHuman(string path)
    {
        var result = Dimensions.ToDictionary(d => d, _ => new Dictionary<string, List<(int, double)>>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var row in EmoBankBuilder.ReadCsv(path))
        {
            if (!result.TryGetValue(row["dimension"], out var byDocument))
            {
                continue;
            }

            if (!byDocument.TryGetValue(row["document_id"], out var list))
            {
                byDocument[row["document_id"]] = list = [];
            }

            list.Add((int.Parse(row["coder"].Replace("reader_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture), double.Parse(row["score"], CultureInfo.InvariantCulture)));
        }

        return new Human(result);
    }

    private static RunInfo LoadRun(string model, string scores, string folder, double wallSeconds)
    {
        var rows = EmoBankBuilder.ReadCsv(Path.Combine(folder, "results", "exports", "scores.csv"));
        var mine = rows.Where(r => r.GetValueOrDefault("model") == model).ToList();
        if (mine.Count == 0)
        {
            Console.Error.WriteLine($"emobank-analyse: scores.csv of {folder} has no rows of model '{model}'; using all {rows.Count} rows");
            mine = rows;
        }

        // A calibrated run exports the raw score and, beside it, the calibrated one: the statistics used the latter.
        var byDimension = Dimensions.ToDictionary(d => d, d =>
        {
            var column = scores == "calibrated" ? $"{d}_calibrated_score" : $"{d}_score";
            if (mine.Count > 0 && !mine[0].ContainsKey(column))
            {
                throw new InvalidDataException($"scores.csv of {folder} has no column {column}");
            }

            var values = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            foreach (var row in mine)
            {
                if (row.TryGetValue(column, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                {
                    var id = row.GetValueOrDefault("corpus_document_id") is { Length: > 0 } doc ? doc : row["document_name"];
                    (values.TryGetValue(id, out var list) ? list : values[id] = []).Add(v);
                }
            }

            return values.ToDictionary(kv => kv.Key, kv => kv.Value.Average(), StringComparer.Ordinal);
        }, StringComparer.Ordinal);

        double? analysis = null;
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        foreach (var stage in manifest?["stages"]?.AsArray() ?? [])
        {
            if (stage?["name"]?.GetValue<string>() == "batch_analysis" && stage["duration_ms"] is { } ms)
            {
                analysis = ms.GetValue<double>() / 1000;
            }
        }

        var statisticsPath = Path.Combine(folder, "results", "synthesis", "statistics.json");
        return new RunInfo(model, scores, folder, wallSeconds)
        {
            ScoresByDimension = byDimension,
            Documents = mine.Select(r => r.GetValueOrDefault("corpus_document_id") ?? r["document_name"]).Distinct(StringComparer.Ordinal).Count(),
            AnalysisSeconds = analysis,
            Statistics = File.Exists(statisticsPath) ? JsonNode.Parse(File.ReadAllText(statisticsPath)) : null,
        };
    }

    /// <summary>What statistics.json says: <c>validity</c> when the build writes it, else the gold comparison of <c>reliability</c>.</summary>
    private static (Est R, Est Ccc, Est Ceiling, Est Ratio, string Source) Reported(RunInfo run, string dimension)
    {
        var statistics = run.Statistics;
        if (statistics?["validity"] is JsonObject validity)
        {
            var dim = validity["dimensions"]?.AsArray().FirstOrDefault(d => d?["dimension"]?.GetValue<string>() == dimension);
            var model = dim?["models"]?.AsArray().FirstOrDefault(m => m?["model"]?.GetValue<string>() == run.Model && m?["scores"]?.GetValue<string>() == run.Scores);
            var ceiling = EstOf(dim?["ceiling"]?["pearson"]);
            return model is null ? (Est.None, Est.None, ceiling, Est.None, $"validity: no {run.Model} {run.Scores} entry")
                : (EstOf(model["metrics"]?["pearson"]), EstOf(model["metrics"]?["ccc"]), ceiling, EstOf(model["ratio_to_ceiling"]), "validity");
        }

        var comparison = statistics?["reliability"]?["comparisons"]?.AsArray()
            .FirstOrDefault(c => c?["kind"]?.GetValue<string>() == "gold" && c?["coders"]?.AsArray().LastOrDefault()?.GetValue<string>() == run.Model);
        var agreement = comparison?["dimensions"]?.AsArray().FirstOrDefault(d => d?["dimension"]?.GetValue<string>() == dimension);
        return agreement is null ? (Est.None, Est.None, Est.None, Est.None, "not reported")
            : (new Est(Number(agreement["pearson"]), null, null), new Est(Number(agreement["ccc"]), null, null), Est.None, Est.None, "reliability (no CI)");
    }

    private static Est EstOf(JsonNode? node) => node is null ? Est.None : new Est(Number(node["value"]), Number(node["lower"]), Number(node["upper"]));

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static Agreement Agree(RunInfo run, Human human, string dimension, int[][] draws,
        (Est R, Est Ccc, double?[] RDraws, int Documents, double RatingsPerDocument) ceiling)
    {
        var documents = human.Documents(dimension);
        var scores = run.ScoresByDimension[dimension];
        var present = Enumerable.Range(0, documents.Count).Where(i => scores.ContainsKey(documents[i])).ToArray();
        (double? R, double? Ccc) Compute(IEnumerable<int> indices)
        {
            var chosen = indices.Where(i => scores.ContainsKey(documents[i])).ToList();
            var x = chosen.Select(i => scores[documents[i]]).ToList();
            var y = chosen.Select(i => human.Mean(dimension, documents[i])).ToList();
            return (HypothesisTests.Pearson(x, y).Statistic, AgreementStatistics.LinCcc(x, y));
        }

        var (r, ccc) = Compute(present);
        var rDraws = new double?[draws.Length];
        var cccDraws = new double?[draws.Length];
        var ratioDraws = new double?[draws.Length];
        for (var b = 0; b < draws.Length; b++)
        {
            (rDraws[b], cccDraws[b]) = Compute(draws[b]);
            ratioDraws[b] = rDraws[b] is { } rb && ceiling.RDraws[b] is { } cb && cb > 0 ? rb / cb : null;
        }

        double? ratio = r is { } rv && ceiling.R.Value is { } cv && cv > 0 ? rv / cv : null;
        return new Agreement(present.Length, Interval(r, rDraws), Interval(ccc, cccDraws), Interval(ratio, ratioDraws),
            present.Length == 0 ? null : present.Average(i => scores[documents[i]]),
            present.Length == 0 ? null : present.Average(i => human.Mean(dimension, documents[i])))
        {
            Distinct = present.Select(i => scores[documents[i]]).Distinct().Count(),
        };
    }

    /// <summary>
    /// The readers' Krippendorff alpha (interval), taken as the reliability ρ of one reader, and √ρ̄ with ρ̄ the mean over
    /// sentences of the Spearman–Brown reliability n ρ / (1 + (n − 1) ρ) of the mean of the sentence's n readers: under
    /// classical test theory, the correlation of an error-free measure with the readers' mean.
    /// </summary>
    private static (double? Alpha, double? Attainable) Reliability(Human human, string dimension)
    {
        var units = human.ByDimension[dimension].Values.Select(r => (IReadOnlyList<double>)r.Select(x => x.Score).ToList()).ToList();
        if (AgreementStatistics.KrippendorffAlphaInterval(units) is not { } alpha || alpha <= 0)
        {
            return (AgreementStatistics.KrippendorffAlphaInterval(units), null);
        }

        var mean = units.Average(u => u.Count * alpha / (1 + ((u.Count - 1) * alpha)));
        return (alpha, Math.Sqrt(mean));
    }

    /// <summary>Each reader against the mean of the sentence's other readers, per reader position, averaged weighted by sentences.</summary>
    private static (double? R, double? Ccc) Ceiling(Human human, string dimension, IReadOnlyList<string> documents, int[] indices)
    {
        var pairs = new Dictionary<int, (List<double> X, List<double> Y)>();
        foreach (var i in indices)
        {
            var ratings = human.ByDimension[dimension][documents[i]];
            if (ratings.Count < 2)
            {
                continue;
            }

            var sum = ratings.Sum(r => r.Score);
            foreach (var (reader, score) in ratings)
            {
                if (!pairs.TryGetValue(reader, out var p))
                {
                    pairs[reader] = p = ([], []);
                }

                p.X.Add(score);
                p.Y.Add((sum - score) / (ratings.Count - 1));
            }
        }

        double rSum = 0, rWeight = 0, cSum = 0, cWeight = 0;
        foreach (var (x, y) in pairs.Values)
        {
            if (HypothesisTests.Pearson(x, y).Statistic is { } r)
            {
                rSum += r * x.Count;
                rWeight += x.Count;
            }

            if (x.Count >= 3 && AgreementStatistics.LinCcc(x, y) is { } c)
            {
                cSum += c * x.Count;
                cWeight += x.Count;
            }
        }

        return (rWeight == 0 ? null : rSum / rWeight, cWeight == 0 ? null : cSum / cWeight);
    }

    private static Est Interval(double? value, double?[] draws)
    {
        var sorted = draws.OfType<double>().Order().ToList();
        if (value is null || sorted.Count < 20)
        {
            return new Est(value, null, null);
        }

        double Quantile(double q)
        {
            var position = q * (sorted.Count - 1);
            var (lo, hi) = ((int)Math.Floor(position), (int)Math.Ceiling(position));
            return sorted[lo] + ((position - lo) * (sorted[hi] - sorted[lo]));
        }

        return new Est(value, Quantile(0.025), Quantile(0.975));
    }
}
