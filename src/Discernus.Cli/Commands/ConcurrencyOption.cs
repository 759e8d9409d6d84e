using System.CommandLine;
using System.Globalization;
using Discernus.Application;

namespace Discernus.Cli.Commands;

internal static class ConcurrencyOption
{
    /// <summary>`--concurrency N`: a whole number from 1 to 256, or a usage error (exit 2) saying so.</summary>
    public static Option<int?> Create(string description) => new("--concurrency", "-c")
    {
        Description = description,
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && RunRules.ConcurrencyInRange(value))
            {
                return value;
            }

            result.AddError($"--concurrency must be a whole number from 1 to 256, not '{token}'");
            return null;
        },
    };
}
