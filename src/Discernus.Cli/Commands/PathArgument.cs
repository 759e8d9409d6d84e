using System.CommandLine;
using System.CommandLine.Parsing;
using Discernus.Application;

namespace Discernus.Cli.Commands;

/// <summary>Refuses, as a usage error, a path argument that no file system could hold (a NUL, broken Unicode).</summary>
internal static class PathArgument
{
    public static Argument<T> WithUsablePath<T>(this Argument<T> argument)
    {
        argument.Validators.Add(result => Check(result.GetValueOrDefault<T>() as string, argument.Name, result.AddError));
        return argument;
    }

    public static Option<T> WithUsablePath<T>(this Option<T> option)
    {
        option.Validators.Add(result => Check(result.GetValueOrDefault<T>() as string, option.Name, result.AddError));
        return option;
    }

    private static void Check(string? value, string name, Action<string> addError)
    {
        if (value is not null && !ProjectPaths.IsValidName(value))
        {
            addError($"the {name} path '{ProjectPaths.Printable(value)}' contains a character no file system allows in a name (a NUL or control character, or broken Unicode); pass the path of a folder");
        }
    }
}
