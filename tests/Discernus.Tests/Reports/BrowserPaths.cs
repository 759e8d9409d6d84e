namespace Discernus.Tests.Reports;

/// <summary>Where the browser tests find Debian's chromium.</summary>
internal static class BrowserPaths
{
    /// <summary>The chromium on PATH (installed by scripts/install-test-deps.sh); its absence fails the test.</summary>
    public static string Chromium()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "chromium"))
            .FirstOrDefault(File.Exists);
        Assert.True(path is not null, "chromium is not on PATH: run scripts/install-test-deps.sh (Debian package 'chromium')");
        return path!;
    }
}
