using System.CommandLine;
using System.CommandLine.Parsing;
using Discernus.Experiments;

namespace Discernus.Cli.Commands;

/// <summary>Refuses, as a usage error, a path argument that no file system could hold (a NUL, broken Unicode).</summary>
internal static class PathArgument
{
    public static Argument<string> WithUsablePath(this Argument<string> argument)
    {
        argument.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !SafePaths.IsValidName(value))
            {
                result.AddError($"the {argument.Name} path '{SafePaths.Printable(value)}' contains a character no file system allows in a name (a NUL or control character, or broken Unicode); pass the path of a folder");
            }
        });
        return argument;
    }
}
