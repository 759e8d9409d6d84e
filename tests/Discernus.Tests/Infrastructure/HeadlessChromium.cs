using Microsoft.Playwright;

namespace Discernus.Tests.Infrastructure;

/// <summary>Debian's chromium, started headless by Playwright with the closed network this machine has.</summary>
internal static class HeadlessChromium
{
    /// <summary>The chromium on PATH (installed by scripts/install-test-deps.sh); its absence fails the test.</summary>
    public static string Path()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "chromium"))
            .FirstOrDefault(File.Exists);
        Assert.True(path is not null, "chromium is not on PATH: run scripts/install-test-deps.sh (Debian package 'chromium')");
        return path!;
    }

    /// <summary>
    /// Without the background-networking flags chromium tries Google's hosts at every start and the closed network refuses
    /// them, many at a time.
    /// </summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path(),
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }
}
