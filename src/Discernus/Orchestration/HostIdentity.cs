using System.Security.Cryptography;

namespace Discernus.Orchestration;

/// <summary>Readable and unique: machine, process and a random tag (several hosts may share a process in tests and tools).</summary>
internal static class HostIdentity
{
    public static string New() => $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
}
