using System.Globalization;
using Discernus.Agents;
using Discernus.Experiments;
using Discernus.Application;
using Discernus.Web.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Discernus.Web.Endpoints.PageResults;

namespace Discernus.Web.Endpoints;

/// <summary>Human validation: the sample, blind coding of one document, evidence judgements, and live agreement.</summary>
internal static class CodingEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/e/{experiment}/code", HomeAsync);
        app.MapGet("/e/{experiment}/code/{position:int}", DocumentAsync);
        app.MapPost("/e/{experiment}/code/{position:int}", SaveCodesAsync);
        app.MapPost("/e/{experiment}/code/{position:int}/evidence", SaveEvidenceAsync);
        app.MapGet("/e/{experiment}/agreement", AgreementFragmentAsync);
    }

    private static async Task<IResult> HomeAsync(string experiment, HttpRequest request, ProjectPaths paths, ServeOptions options, ValidationCache validations, CancellationToken cancellationToken)
    {
        var (problem, x) = await OpenAsync(experiment, paths, options, validations, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var parameters = Parameters(request, x!);
        var coderError = CoderError(request);
        var mine = parameters is null ? [] : GoldStore.Read(x!).Where(g => g.Coder == parameters.Coder).ToList();
        var dimensions = x!.Framework.Dimensions.Count;
        var sample = parameters is null ? [] : CodingSample.Draw(x, parameters.Size, parameters.Seed)
            .Select(d => (d.DocumentId, mine.Count(g => g.DocumentId == d.DocumentId) >= dimensions)).ToList();
        return Page<CodingPage>(new
        {
            Experiment = experiment,
            Parameters = parameters,
            Total = x.Corpus.Documents.Count,
            StratifiedBy = CodingSample.StratifiedBy(x),
            GoldFileName = Path.GetRelativePath(x.Directory, GoldStore.GoldPath(x)),
            Sample = (IReadOnlyList<(string, bool)>)sample,
            Agreement = CodingService.Agreement(x, paths, options.TimeProvider),
            CoderError = coderError,
            Coder = coderError is null ? null : ProjectPaths.Printable(request.Query["coder"].ToString()),
        }, coderError is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> DocumentAsync(string experiment, int position, HttpRequest request, ProjectPaths paths, ServeOptions options, ValidationCache validations, CancellationToken cancellationToken)
    {
        var (problem, x) = await OpenAsync(experiment, paths, options, validations, cancellationToken);
        return problem ?? Render(x!, experiment, position, request, paths, options, message: null, StatusCodes.Status200OK);
    }

    private static IResult Render(Experiment x, string experiment, int position, HttpRequest request, ProjectPaths paths, ServeOptions options, string? message, int status)
    {

        if (Parameters(request, x!) is not { } parameters)
        {
            return Results.Redirect(Links.Coding(experiment));
        }

        var sample = CodingSample.Draw(x!, parameters.Size, parameters.Seed);
        if (position < 1 || position > sample.Count)
        {
            return NotFound($"The sample has {sample.Count} document(s); there is no number {position}.");
        }

        var document = sample[position - 1];
        var text = DocumentTextExtractor.Extract(document.FileName, File.ReadAllBytes(document.FullPath), x!.Limits).Text ?? string.Empty;
        var mine = GoldStore.Read(x).Where(g => g.Coder == parameters.Coder && g.DocumentId == document.DocumentId)
            .GroupBy(g => g.Dimension, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Score, StringComparer.Ordinal);
        var revealed = !parameters.Blind || mine.Count > 0;
        var latest = CodingService.LatestFinishedRun(x.Directory, paths, options.TimeProvider);
        var analyses = revealed && latest is not null ? latest.Results.Where(r => r.CorpusDocumentId == document.DocumentId).ToList() : [];
        return Page<CodeDocumentPage>(new
        {
            Experiment = experiment,
            Parameters = parameters,
            Position = position,
            Count = sample.Count,
            Document = document,
            Text = text,
            Dimensions = x.Framework.Dimensions,
            Mine = (IReadOnlyDictionary<string, double>)mine,
            Revealed = revealed,
            ModelScores = (IReadOnlyList<ModelScore>)analyses
                .OrderBy(a => a.ProcessingMetadata.Model, StringComparer.Ordinal).ThenBy(a => a.ProcessingMetadata.Run)
                .SelectMany(a => a.FrameworkAnalysis.Select(kv => new ModelScore(a.ProcessingMetadata.Model, a.ProcessingMetadata.Run, kv.Key, kv.Value.Score)))
                .ToList(),
            Evidence = revealed && latest is not null ? CodingService.EvidenceItems(x, parameters.Coder, latest, document.DocumentId) : [],
            Message = message,
            Agreement = CodingService.Agreement(x, paths, options.TimeProvider),
        }, status);
    }

    private static async Task<IResult> SaveCodesAsync(
        string experiment, int position, IFormCollection form, HttpRequest request, ProjectPaths paths, ServeOptions options, GoldStore gold, ValidationCache validations, CancellationToken cancellationToken)
    {
        var (problem, x) = await OpenAsync(experiment, paths, options, validations, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (Parameters(request, x!) is not { } parameters)
        {
            return Problem("No coder", CoderError(request) ?? "Name the coder first (the coding page's form).", StatusCodes.Status400BadRequest);
        }

        var sample = CodingSample.Draw(x!, parameters.Size, parameters.Seed);
        if (position < 1 || position > sample.Count)
        {
            return NotFound($"The sample has {sample.Count} document(s); there is no number {position}.");
        }

        var document = sample[position - 1];
        var ratings = new List<GoldRating>();
        var errors = new List<string>();
        for (var i = 0; i < x!.Framework.Dimensions.Count; i++)
        {
            var text = form[$"score_{i}"].ToString().Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score) || score < 0 || score > 1)
            {
                errors.Add($"{x.Framework.Dimensions[i].Name}: '{text}' is not a number from 0 to 1");
                continue;
            }

            ratings.Add(new GoldRating(document.DocumentId, x.Framework.Dimensions[i].Name, score, parameters.Coder));
        }

        if (errors.Count > 0 || ratings.Count == 0)
        {
            var message = errors.Count > 0 ? $"Nothing was saved: {string.Join("; ", errors)}." : "Nothing was saved: give a score from 0 to 1 for at least one dimension.";
            return Render(x!, experiment, position, request, paths, options, message, StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            await gold.SaveAsync(x, ratings, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            return Render(x!, experiment, position, request, paths, options,
                $"Nothing was saved: {GoldStore.GoldPath(x)} cannot be merged safely ({ex.Message}). Correct the file (one row per coder, document and dimension: document_id,dimension,score,coder) and submit again.",
                StatusCodes.Status409Conflict);
        }

        return Results.Redirect(Links.Code(experiment, position, parameters));
    }

    private static async Task<IResult> SaveEvidenceAsync(
        string experiment, int position, IFormCollection form, HttpRequest request, ProjectPaths paths, ServeOptions options, GoldStore gold, ValidationCache validations, CancellationToken cancellationToken)
    {
        var (problem, x) = await OpenAsync(experiment, paths, options, validations, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (Parameters(request, x!) is not { } parameters)
        {
            return Problem("No coder", CoderError(request) ?? "Name the coder first (the coding page's form).", StatusCodes.Status400BadRequest);
        }

        var sample = CodingSample.Draw(x!, parameters.Size, parameters.Seed);
        if (position < 1 || position > sample.Count || CodingService.LatestFinishedRun(x!.Directory, paths, options.TimeProvider) is not { } latest)
        {
            return NotFound("There is no such document in the sample, or no finished run whose evidence could be judged.");
        }

        var judgements = CodingService.EvidenceItems(x, parameters.Coder, latest, sample[position - 1].DocumentId)
            .Select(e => (Item: e, Value: form[$"q_{e.Index}"].ToString()))
            .Where(e => e.Value is "yes" or "no")
            .Select(e => new EvidenceJudgement(sample[position - 1].DocumentId, e.Item.Dimension, e.Item.Model, e.Item.RunId, e.Item.Quote, e.Value == "yes", parameters.Coder))
            .ToList();
        if (judgements.Count > 0)
        {
            await gold.SaveEvidenceAsync(x, judgements, cancellationToken);
        }

        return Results.Redirect(Links.Code(experiment, position, parameters));
    }

    private static async Task<IResult> AgreementFragmentAsync(string experiment, ProjectPaths paths, ServeOptions options, ValidationCache validations, CancellationToken cancellationToken)
    {
        var (problem, x) = await OpenAsync(experiment, paths, options, validations, cancellationToken);
        return problem ?? Page<AgreementPanel>(new { View = CodingService.Agreement(x!, paths, options.TimeProvider), RefreshUrl = Links.Agreement(experiment) });
    }

    /// <summary>
    /// The experiment as its last validation read it (<see cref="ValidationCache"/>); coding needs a valid one (its
    /// dimensions and documents), so a first validation is waited for up to half the request time limit.
    /// </summary>
    private static async Task<(IResult? Problem, Experiment? Experiment)> OpenAsync(
        string experiment, ProjectPaths paths, ServeOptions options, ValidationCache validations, CancellationToken cancellationToken)
    {
        if (paths.Experiment(experiment) is not { } folder)
        {
            return (ServeEndpoints.NoExperiment(experiment), null);
        }

        var report = await validations.GetAsync(folder, cancellationToken, options.RequestTimeout / 2);
        if (report is null)
        {
            return (Problem("Being validated", $"{experiment} is still being validated (a large corpus takes a while); reload this page in a moment.", StatusCodes.Status503ServiceUnavailable), null);
        }

        if (report.Experiment is not { } x)
        {
            return (Problem("Not valid", $"{experiment} has {report.Blocking.Count()} blocking problem(s); fix them (see the experiment page) before coding.", StatusCodes.Status409Conflict), null);
        }

        return (null, x);
    }

    /// <summary>
    /// Why the coder name in the query cannot be used (it follows the one name rule: it becomes a column value of
    /// gold.csv and a key of agreement tables), or null when it can or none was given.
    /// </summary>
    private static string? CoderError(HttpRequest request)
    {
        var coder = request.Query["coder"].ToString().Trim();
        return coder.Length == 0 || NameRule.Problem(coder) is not { } problem
            ? null
            : $"The coder name '{NameRule.Printable(coder)}' cannot be used: {problem}. Write it with {NameRule.Description}.";
    }

    /// <summary>Coder, sample size, seed and blindness from the query; null until a coder is named by the name rule.</summary>
    private static CodingParameters? Parameters(HttpRequest request, Experiment experiment)
    {
        var coder = request.Query["coder"].ToString().Trim();
        if (!NameRule.IsValid(coder))
        {
            return null;
        }

        var size = int.TryParse(request.Query["n"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : CodingSample.DefaultSize;
        var seed = int.TryParse(request.Query["seed"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 1;
        var blind = request.Query["blind"].Count == 0 || request.Query["blind"].Contains("1");
        return new CodingParameters(coder, Math.Clamp(size, 1, Math.Max(1, experiment.Corpus.Documents.Count)), seed, blind);
    }
}
