using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Discernus.Content;
using Discernus.Experiments;
using Discernus.Orchestration;

namespace Discernus.Application;

/// <summary>
/// Validation results of the experiment folders, so that no request validates: a page shows the last result at once,
/// and a folder is validated again only when its files changed, in the background. Whether they changed is told by a
/// fingerprint of every file's relative path, size and modification time (hashing the documents themselves on each
/// look would be the very work this avoids), taken at most every <see cref="WorkspaceOptions.ValidationFreshness"/>, also
/// in the background. One validation runs at a time, so memory is that of one validation under the experiment
/// limits (a PDF bomb costs what its budget allows, once); a folder never validated yet is waited for up to
/// <see cref="WorkspaceOptions.RequestBudget"/>, then shown as being validated.
/// </summary>
public sealed class ValidationCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _worker = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    // Taken once: a check finishing after Dispose sees a cancelled token, never a disposed source.
    private readonly CancellationToken _stoppingToken;
    private readonly WorkspaceOptions _options;
    private readonly ExperimentLimits _limits;
    private int _validations;

    public ValidationCache(WorkspaceOptions options)
    {
        _options = options;
        _limits = options.Settings.Limits;
        _stoppingToken = _stopping.Token;
    }

    /// <summary>Validations run so far (tests: a request never validates, a changed file does once).</summary>
    public int Validations => Volatile.Read(ref _validations);

    /// <summary>
    /// The last validation of <paramref name="experimentFolder"/>, or null while its first one is still running after
    /// <paramref name="wait"/> (by default <see cref="WorkspaceOptions.RequestBudget"/>).
    /// </summary>
    public async Task<ValidationReport?> GetAsync(string experimentFolder, CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        var entry = _entries.GetOrAdd(experimentFolder, folder => new Entry(folder));
        var refresh = Refresh(entry);
        if (entry.Report is { } report)
        {
            return report;
        }

        try
        {
            await refresh.WaitAsync(wait ?? _options.RequestBudget, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still validating: the page says so and the next request finds the result.
        }

        return entry.Report;
    }

    /// <summary>Starts a check of the folder unless one is running or the last was moments ago; returns the running one.</summary>
    private Task Refresh(Entry entry)
    {
        lock (entry)
        {
            var now = _options.TimeProvider.GetTimestamp();
            if (entry.Running is { IsCompleted: false } running)
            {
                return running;
            }

            if (entry.Report is not null && _options.TimeProvider.GetElapsedTime(entry.CheckedAt, now) < _options.ValidationFreshness)
            {
                return Task.CompletedTask;
            }

            entry.CheckedAt = now;
            return entry.Running = Task.Run(() => CheckAsync(entry), CancellationToken.None);
        }
    }

    private async Task CheckAsync(Entry entry)
    {
        var token = _stoppingToken;
        try
        {
            await _worker.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var fingerprint = Fingerprint(entry.Folder, token);
            if (fingerprint == entry.Fingerprint && entry.Report is not null)
            {
                return;
            }

            var (report, validatedFingerprint) = ValidateSettled(entry.Folder, fingerprint, token);
            lock (entry)
            {
                entry.Report = report;
                entry.Fingerprint = validatedFingerprint;
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder that vanished or became unreadable mid-walk: the next look tries again.
            entry.Fingerprint = null;
        }
        finally
        {
            _worker.Release();
        }
    }

    /// <summary>
    /// Validates until the files stood still while it ran: an editor's save (truncate, then write) seen half-way would
    /// otherwise leave a result paired with a fingerprint of files that no longer exist, and a needless validation later.
    /// Bounded: a folder that keeps changing gets its last result, with the fingerprint taken before it.
    /// </summary>
    private (ValidationReport Report, string Fingerprint) ValidateSettled(string folder, string fingerprint, CancellationToken token)
    {
        const int MaxRounds = 3;
        for (var round = 1; ; round++)
        {
            Interlocked.Increment(ref _validations);
            var report = ExperimentValidator.Validate(folder, _limits, token);
            var after = Fingerprint(folder, token);
            if (after == fingerprint || round == MaxRounds)
            {
                return (report, fingerprint);
            }

            fingerprint = after;
        }
    }

    /// <summary>SHA-256 over (relative path, size, modification time) of every file under the folder but its runs and hidden folders.</summary>
    private static string Fingerprint(string folder, CancellationToken cancellationToken)
    {
        var entries = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var directory = new DirectoryInfo(pending.Pop());
            foreach (var item in directory.EnumerateFileSystemInfos("*", options))
            {
                var relative = Path.GetRelativePath(folder, item.FullName);
                if (item is DirectoryInfo)
                {
                    if (!item.Name.StartsWith('.') && relative != "runs")
                    {
                        pending.Push(item.FullName);
                    }

                    continue;
                }

                var file = (FileInfo)item;
                entries.Add(string.Create(CultureInfo.InvariantCulture, $"{relative}\0{file.Length}\0{file.LastWriteTimeUtc.Ticks}"));
            }
        }

        entries.Sort(StringComparer.Ordinal);
        using var hash = Hashing.Incremental();
        foreach (var line in entries)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        }

        return Hashing.Hex(hash);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private sealed class Entry(string folder)
    {
        public string Folder => folder;

        public ValidationReport? Report { get; set; }

        public string? Fingerprint { get; set; }

        public long CheckedAt { get; set; }

        public Task? Running { get; set; }
    }
}
