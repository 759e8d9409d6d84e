namespace Discernus.Models;

/// <summary>How a run uses the response cache (<c>run --no-cache</c>), as carried in task parameters and the manifest.</summary>
internal static class CacheModes
{
    /// <summary>Serve answers that passed validation from the cache; ask the model for everything else (the default).</summary>
    public const string Use = "use";

    /// <summary>Ask the model for every answer; answers that pass validation replace the cached ones.</summary>
    public const string Refresh = "refresh";

    public static bool IsKnown(string? mode) => mode is Use or Refresh;
}
