namespace Discernus.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int FileMissing = 3;
    public const int RunFailed = 4;
    public const int Invalid = 5;
    public const int CompletedWithFailures = 6;
    public const int Cancelled = 130;
}
