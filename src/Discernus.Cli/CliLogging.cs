using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Discernus.Cli;

/// <summary>
/// The one logging pipeline of a long-running command (Serilog behind Microsoft.Extensions.Logging): warnings and
/// errors to the console (stderr), everything from Debug up to a JSONL file of this process (compact JSON, one event
/// per line) under <c>DISCERNUS_LOG_DIR</c> (default <c>~/.discernus/logs</c>). Run-scoped events also reach the run's
/// own logs through the host. Files older than <see cref="Retention"/> are removed when a new one starts.
/// </summary>
internal sealed class CliLogging : IDisposable
{
    public const string DirectoryVariable = "DISCERNUS_LOG_DIR";
    private static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    private readonly Serilog.Core.Logger _serilog;

    private CliLogging(Serilog.Core.Logger serilog, ILoggerFactory factory, string? filePath)
    {
        _serilog = serilog;
        Factory = factory;
        FilePath = filePath;
    }

    public ILoggerFactory Factory { get; }

    /// <summary>The JSONL file of this process, or null when no writable log folder was found (then only the console).</summary>
    public string? FilePath { get; }

    public static CliLogging Start(CliContext context, string command)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.WithProperty("Command", command)
            .Enrich.WithProperty("ProcessId", Environment.ProcessId)
            .Enrich.WithProperty("Host", Environment.MachineName)
            .WriteTo.Sink(new ConsoleWarningSink(context.Error), LogEventLevel.Warning);

        var directory = context.Environment[DirectoryVariable]
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".discernus", "logs");
        string? filePath = null;
        try
        {
            Directory.CreateDirectory(directory);
            RemoveOld(directory, context.TimeProvider);
            filePath = Path.Combine(directory, $"discernus-{command}-{context.TimeProvider.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Environment.ProcessId}.jsonl");
            // Serilog's file sink reports a file it cannot open only to its self-log: a read-only folder would lose
            // every line without a word. Creating the file here makes that our error, said once below.
            using (new FileStream(filePath, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
            {
            }

            configuration = configuration.WriteTo.File(new CompactJsonFormatter(), filePath, flushToDiskInterval: TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"warning: cannot write logs to {directory} ({ex.Message}); logging to the console only. Set {DirectoryVariable} to a writable folder.");
            filePath = null;
        }

        var serilog = configuration.CreateLogger();
        var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddSerilog(serilog));
        return new CliLogging(serilog, factory, filePath);
    }

    public void Dispose()
    {
        Factory.Dispose();
        _serilog.Dispose();
    }

    private static void RemoveOld(string directory, TimeProvider time)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - Retention;
        foreach (var file in Directory.EnumerateFiles(directory, "discernus-*.jsonl"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                }
            }
            catch (IOException)
            {
                // Another process is writing it or removed it first: not ours to worry about.
                continue;
            }
        }
    }

    /// <summary>"warning: message" lines on the command's error writer, the way the CLI's own messages look.</summary>
    private sealed class ConsoleWarningSink(TextWriter error) : Serilog.Core.ILogEventSink
    {
        // Serilog quotes string values when it renders a message; people read these lines, so values go in bare.
        private static string Render(LogEvent logEvent)
        {
            var text = new System.Text.StringBuilder();
            foreach (var token in logEvent.MessageTemplate.Tokens)
            {
                if (token is Serilog.Parsing.PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
                {
                    text.Append(value is ScalarValue { Value: string plain } ? plain : value.ToString(property.Format, System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    text.Append(token.ToString());
                }
            }

            return text.ToString();
        }

        private readonly Lock _gate = new();

        public void Emit(LogEvent logEvent)
        {
            var level = logEvent.Level >= LogEventLevel.Error ? "error" : "warning";
            var line = $"{level}: {Render(logEvent)}";
            lock (_gate)
            {
                error.WriteLine(line);
            }
        }
    }
}
