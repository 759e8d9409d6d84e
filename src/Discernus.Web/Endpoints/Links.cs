namespace Discernus.Web.Endpoints;

/// <summary>Every address the pages link to, built in one place with each segment escaped.</summary>
internal static class Links
{
    public static string Home => "/";

    public static string Experiment(string experiment) => $"/e/{E(experiment)}";

    public static string StartRun(string experiment) => $"/e/{E(experiment)}/runs";

    public static string Run(string experiment, string run) => $"/e/{E(experiment)}/r/{E(run)}";

    public static string RunSorted(string experiment, string run, string sort, bool descending) =>
        $"{Run(experiment, run)}?sort={E(sort)}&dir={(descending ? "desc" : "asc")}#documents";

    public static string Events(string experiment, string run) => $"{Run(experiment, run)}/events";

    public static string Report(string experiment, string run) => $"{Run(experiment, run)}/report";

    public static string Chart(string experiment, string run) => $"{Run(experiment, run)}/chart.svg";

    public static string Document(string experiment, string run, string textHash, string? highlight = null) =>
        $"{Run(experiment, run)}/d/{E(textHash)}{(highlight is null ? string.Empty : "?highlight=" + E(highlight))}";

    public static string Coding(string experiment) => $"/e/{E(experiment)}/code";

    public static string Coding(string experiment, CodingParameters p) => $"{Coding(experiment)}?{p.Query}";

    public static string Code(string experiment, int position, CodingParameters p) => $"{Coding(experiment)}/{position}?{p.Query}";

    public static string Evidence(string experiment, int position, CodingParameters p) => $"{Coding(experiment)}/{position}/evidence?{p.Query}";

    public static string Agreement(string experiment) => $"/e/{E(experiment)}/agreement";

    public static string Static(string file) => $"/static/{file}";

    private static string E(string value) => Uri.EscapeDataString(value);
}

/// <summary>Who codes and which sample: carried in every coding address so a page can be reloaded or shared.</summary>
public sealed record CodingParameters(string Coder, int Size, int Seed, bool Blind)
{
    public string Query => $"coder={Uri.EscapeDataString(Coder)}&n={Size}&seed={Seed}&blind={(Blind ? "1" : "0")}";
}
