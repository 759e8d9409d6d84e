using System.CommandLine;
using System.Runtime.InteropServices;
using Discernus.Application;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus agent &lt;task_type&gt; &lt;task_id&gt;` (hidden): one task in a child process of a worker started with
/// `--isolation process`. The task arrives as one JSON line on standard input, the answer leaves as JSON lines on
/// standard output (<see cref="ChildAgent"/>); people never run it themselves.
/// </summary>
internal static class AgentCommand
{
    public const string Name = "agent";

    public static Command Create(CliContext context)
    {
        var taskType = new Argument<string>("task_type") { Description = "The task's type (analyse_document, synthesize_results, generate_report)" };
        var taskId = new Argument<string>("task_id") { Description = "The task's id, as the worker claimed it" };
        var command = new Command(Name, "Run one agent task handed over on standard input (started by `discernus worker --isolation process`)") { taskType, taskId };
        command.Hidden = true;
        command.SetAction(async (parse, notUsed) =>
        {
            // Ctrl-C in a terminal reaches the whole process group, and a service manager may signal every process of
            // the service: the worker decides when its tasks stop (it kills a child it gives up on), so the child ignores
            // them, and the invocation's token (which those signals would cancel) is not used.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true);

            var task = ChildAgent.Read(await Console.In.ReadLineAsync(), parse.GetValue(taskType)!, parse.GetValue(taskId)!);
            if (task.Problem is { } problem)
            {
                context.Error.WriteLine($"error: {problem}; `discernus agent` is started by `discernus worker --isolation process`, not by hand.");
                return ExitCodes.Usage;
            }

            // The worker keeps our standard input open while it waits for us: its end means the worker is gone, and a
            // child must not outlive it (nobody would take its answer, and a model call may cost money).
            _ = Task.Run(async () =>
            {
                while (await Console.In.ReadLineAsync() is not null)
                {
                    // Nothing more is expected; keep reading until the pipe closes.
                }

                Environment.Exit(ExitCodes.Cancelled);
            });

            // Spans only (the span file is written as each ends, so an exit on the worker's signal loses none).
            using var telemetry = Hosting.ProcessTelemetry.Start(Discernus.Telemetry.TelemetryOptions.FromSettings(context.Environment.Values, "discernus-agent") with { ExportMetrics = false });
            return await ChildAgent.RunAsync(task, context.Workspace, context.Out);
        });
        return command;
    }
}
