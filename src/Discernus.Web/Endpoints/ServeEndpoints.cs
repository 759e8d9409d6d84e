using System.Globalization;
using System.Text.Json;
using Discernus.Experiments;
using Discernus.Application;
using Discernus.Web.Pages;
using Discernus.Web.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Discernus.Web.Endpoints.PageResults;

namespace Discernus.Web.Endpoints;

/// <summary>
/// Every address `discernus serve` answers. Names in addresses go through <see cref="ProjectPaths"/> (one segment, real
/// location inside the projects folder) before anything is read; forms are POSTs that take form data, so the
/// antiforgery middleware checks each of them.
/// </summary>
internal static class ServeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", ExperimentsAsync);
        app.MapGet("/e/{experiment}", ExperimentAsync);
        app.MapPost("/e/{experiment}/runs", StartRunAsync);
        app.MapGet("/e/{experiment}/r/{run}", Run);
        // A stream that lives as long as the run: the one address without a request time limit.
        app.MapGet("/e/{experiment}/r/{run}/events", RunEvents.Stream).DisableRequestTimeout();
        app.MapGet("/e/{experiment}/r/{run}/report", Report);
        app.MapGet("/e/{experiment}/r/{run}/chart.svg", Chart);
        app.MapGet("/e/{experiment}/r/{run}/d/{document}", DocumentAsync);
        CodingEndpoints.Map(app);
        app.MapGet("/static/{file}", StaticFile);
    }

    // Every folder's validation comes from the cache (started together, so the first look waits one budget, not one per folder).
    private static async Task<IResult> ExperimentsAsync(ProjectPaths paths, ServeOptions options, ValidationCache validations, CancellationToken cancellationToken) =>
        Page<ExperimentsPage>(new
        {
            Root = paths.Root,
            Experiments = (IReadOnlyList<ExperimentSummary>)await Task.WhenAll(paths.ExperimentFolders()
                .Select(f => ExperimentSummary.ReadAsync(paths, f, validations, options.TimeProvider, cancellationToken))),
        });

    private static async Task<IResult> ExperimentAsync(string experiment, ProjectPaths paths, ServeOptions options, ValidationCache validations, CancellationToken cancellationToken) =>
        paths.Experiment(experiment) is not { } folder
            ? NoExperiment(experiment)
            : Page<ExperimentPage>(new { Summary = await ExperimentSummary.ReadAsync(paths, folder, validations, options.TimeProvider, cancellationToken) });

    private static async Task<IResult> StartRunAsync(string experiment, IFormCollection form, ProjectPaths paths, ServeOptions options, RunService launcher, ValidationCache validations, CancellationToken cancellationToken)
    {
        if (paths.Experiment(experiment) is not { } folder)
        {
            return NoExperiment(experiment);
        }

        var model = form["model"].ToString().Trim();
        var problems = new List<string>();
        int? Number(string field)
        {
            var text = form[field].ToString().Trim();
            if (text.Length == 0)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            problems.Add($"{field} must be a whole number, not '{text}'.");
            return null;
        }

        var runs = Number("runs");
        var concurrency = Number("concurrency");
        RunStart? start = null;
        if (problems.Count == 0)
        {
            start = await launcher.StartAsync(folder, model.Length == 0 ? null : model, runs, concurrency, cancellationToken);
            problems.AddRange(start.Problems);
        }

        if (problems.Count > 0 || start?.RunId is null)
        {
            return Page<ExperimentPage>(new
            {
                Summary = await ExperimentSummary.ReadAsync(paths, folder, validations, options.TimeProvider, cancellationToken),
                Problems = (IReadOnlyList<string>)problems,
                Model = model,
                Runs = runs,
                Concurrency = concurrency,
            }, StatusCodes.Status422UnprocessableEntity);
        }

        return Results.Redirect(Links.Run(experiment, start.RunId), permanent: false, preserveMethod: false);
    }

    private static IResult Run(string experiment, string run, string? sort, string? dir, ProjectPaths paths, ServeOptions options)
    {
        if (Load(experiment, run, paths, options) is not { } data)
        {
            return NoRun(experiment, run);
        }

        var statistics = data.StatisticsRows(paths);
        return Page<RunPage>(new
        {
            Experiment = experiment,
            Data = data,
            Statistics = statistics ?? [],
            HasReport = data.Head.ReportHtml is { } html && paths.FileInside(data.Folder, html) is not null,
            HasChart = statistics is not null,
            Sort = string.IsNullOrWhiteSpace(sort) ? "document" : sort,
            Descending = dir == "desc",
        });
    }

    private static IResult Report(string experiment, string run, ProjectPaths paths, ServeOptions options, HttpContext context)
    {
        if (Load(experiment, run, paths, options) is not { } data || data.Head.ReportHtml is not { } relative
            || paths.FileInside(data.Folder, relative) is not { } file)
        {
            return NotFound("This run has no HTML report (yet).");
        }

        // The report is sanitised when written; the sandbox policy makes sure nothing in it runs even so.
        context.Response.Headers.ContentSecurityPolicy = Security.ServeSecurity.ReportContentSecurityPolicy;
        return Results.File(file, "text/html; charset=utf-8");
    }

    private static IResult Chart(string experiment, string run, ProjectPaths paths, ServeOptions options)
    {
        if (Load(experiment, run, paths, options) is not { } data || data.DistributionSvg(paths) is not { } svg)
        {
            return NotFound("This run has no statistics (yet).");
        }

        return Results.Text(svg, "image/svg+xml; charset=utf-8");
    }

    private static async Task<IResult> DocumentAsync(
        string experiment, string run, string document, string? highlight, ProjectPaths paths, ServeOptions options, RunStores stores, CancellationToken cancellationToken)
    {
        if (Load(experiment, run, paths, options) is not { } data)
        {
            return NoRun(experiment, run);
        }

        if (await DocumentView.ReadAsync(paths, data, document, highlight, stores, options.TimeProvider, cancellationToken) is not { } view)
        {
            return NotFound($"Run {run} has no document with text hash {document}.");
        }

        return Page<DocumentPage>(new
        {
            Experiment = experiment,
            Data = data,
            view.Document,
            view.Dimensions,
            view.Analyses,
            view.Segments,
            view.Unverified,
            view.Highlight,
            view.OtherRuns,
            view.Transcripts,
            view.StoreProblem,
        });
    }

    private static IResult StaticFile(string file)
    {
        var type = file switch
        {
            "app.css" => "text/css; charset=utf-8",
            "app.js" => "text/javascript; charset=utf-8",
            _ => null,
        };
        if (type is null || typeof(ServeEndpoints).Assembly.GetManifestResourceStream($"Discernus.Web.Static.{file}") is not { } stream)
        {
            return Results.NotFound();
        }

        return Results.Stream(stream, type);
    }

    internal static RunData? Load(string experiment, string run, ProjectPaths paths, ServeOptions options)
    {
        if (paths.Experiment(experiment) is not { } folder || paths.Run(folder, run) is not { } runFolder)
        {
            return null;
        }

        try
        {
            return RunData.Load(paths, folder, runFolder, options.TimeProvider);
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
        {
            return null;
        }
    }

    internal static IResult NoExperiment(string experiment) =>
        NotFound($"There is no experiment folder '{experiment}' in the projects folder.");

    private static IResult NoRun(string experiment, string run) =>
        NotFound($"Experiment '{experiment}' has no readable run '{run}'.");
}
