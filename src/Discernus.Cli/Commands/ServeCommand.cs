using System.CommandLine;
using System.Net;
using Discernus.Web;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus serve [projects-dir] [--port 5000] [--host 127.0.0.1]`: the browser view of experiments, runs, documents
/// and human coding. Loopback only unless --host says otherwise; a wider bind prints an access token (as Jupyter does)
/// that every request must carry.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("projects-dir") { Description = "Folder holding experiment folders", DefaultValueFactory = _ => "projects" }.WithUsablePath();
        var port = new Option<int>("--port", "-p") { Description = "TCP port (default 5000; 0 picks a free one)", DefaultValueFactory = _ => ServeOptions.DefaultPort };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var n && (n < 0 || n > 65535))
            {
                result.AddError($"--port must be from 0 to 65535, not {n}.");
            }
        });
        var host = new Option<string>("--host") { Description = "Address to bind (default 127.0.0.1, this machine only). Any other address needs the printed access token", DefaultValueFactory = _ => ServeOptions.DefaultHost };
        host.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>()?.Trim().Trim('[', ']');
            if (value is not null && !string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(value, out _))
            {
                result.AddError($"--host must be an IP address to bind (127.0.0.1, ::1, 0.0.0.0 or one of this machine's addresses) or localhost, not '{value}'.");
            }
        });
        var command = new Command("serve", "Browse experiments, runs and documents with their evidence, and code documents by hand, in a web browser") { directory, port, host };
        command.SetAction(async (parse, ct) =>
        {
            var root = Path.GetFullPath(parse.GetValue(directory)!);
            if (!Directory.Exists(root))
            {
                context.Error.WriteLine($"error: {root} does not exist. Pass the folder that holds your experiment folders, e.g. `discernus serve projects`.");
                return ExitCodes.FileMissing;
            }

            var options = ServeOptions.For(root, parse.GetValue(host), parse.GetValue(port), context.Environment.Values) with
            {
                OfflineModels = OfflineModels.Registrations,
                TimeProvider = context.TimeProvider,
            };
            return await ServeAsync(context, root, options, ct);
        });
        return command;
    }

    private static async Task<int> ServeAsync(CliContext context, string root, ServeOptions options, CancellationToken ct)
    {
        using var logging = CliLogging.Start(context, "serve");
        await using var server = await ServeHost.StartAsync(options, logging.Factory, ct);
        var address = server.Addresses.FirstOrDefault() ?? $"http://{options.Host}:{options.Port}";
        context.Out.WriteLine($"Discernus is serving {root}");
        if (options.AccessToken is { } token)
        {
            context.Out.WriteLine($"Bound to {options.Host}, beyond this machine: every request needs the access token. Open:");
            context.Out.WriteLine($"  {address}/?token={token}");
        }
        else
        {
            context.Out.WriteLine($"Open {address}/ (this machine only). Ctrl-C stops the server.");
        }

        try
        {
            await server.WaitForShutdownAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C: the normal way to stop.
        }

        context.Out.WriteLine("stopped.");
        return ExitCodes.Success;
    }
}
