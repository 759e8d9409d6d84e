using Discernus.Experiments;
using Spectre.Console;

namespace Discernus.Cli;

/// <summary>What every command needs from the outside world; tests build one around captured output.</summary>
internal sealed class CliContext
{
    public required IAnsiConsole Console { get; init; }
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    private Application.WorkspaceOptions? _workspace;

    public required CliEnvironment Environment { get; init; }
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    public bool Interactive { get; init; }

    /// <summary>Set by `run --format json`: where the run summary goes as JSON (everything else then goes to standard error).</summary>
    public TextWriter? JsonSummary { get; init; }

    /// <summary>Whether the JSON summary (or a JSON error) has been written; set once per run.</summary>
    public bool SummaryWritten { get; private set; }

    public void MarkSummaryWritten() => SummaryWritten = true;

    /// <summary>What the application layer needs of this process: its settings and clock, minilm, and `discernus agent` for isolated agents.</summary>
    public Application.WorkspaceOptions Workspace => _workspace ??= new()
    {
        Environment = Environment.Values,
        OfflineModels = Commands.OfflineModels.Registrations,
        TimeProvider = TimeProvider,
        AgentProgram = typeof(CliContext).Assembly,
    };

    /// <summary>The VALIDATION stage as every command runs it (reader checks plus formulas and model names).</summary>
    public ValidationReport ReadExperiment(string path, bool readDocuments = true) =>
        Application.ExperimentService.Validate(path, Workspace, readDocuments);
}
