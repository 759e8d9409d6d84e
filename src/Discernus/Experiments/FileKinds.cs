using System.Runtime.InteropServices;

namespace Discernus.Experiments;

/// <summary>
/// Tells what a path names without opening it: opening a FIFO blocks until something writes to it, and a device
/// such as /dev/zero never ends, so only regular files may be opened. .NET reports a FIFO or a device as an ordinary
/// file (<see cref="File.Exists"/> is true, length 0), so on Linux the file type comes from statx(2), whose layout is
/// the same on every architecture. Elsewhere the managed view is used: Windows marks devices, macOS is not told apart.
/// </summary>
internal static class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxBufferSize = 256;

    private const int Enoent = 2;
    private const int Enotdir = 20;
    private const int Eacces = 13;
    private const int Enametoolong = 36;
    private const int Eloop = 40;

    /// <summary>The kind of what <paramref name="path"/> names, following symbolic links.</summary>
    public static FileKind Of(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return FileKind.Missing;
        }

        if (OperatingSystem.IsLinux() && StatxKind(path) is { } kind)
        {
            return kind;
        }

        return ManagedKind(path);
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Directory => "a folder",
        FileKind.LinkLoop => "a symbolic link that leads round in a circle",
        _ => "not a regular file",
    };

    private static FileKind ManagedKind(string path)
    {
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        return OperatingSystem.IsWindows() && File.GetAttributes(path).HasFlag(FileAttributes.Device) ? FileKind.Other : FileKind.Regular;
    }

    private static FileKind? StatxKind(string path)
    {
        var buffer = new byte[StatxBufferSize];
        int result;
        try
        {
            result = Statx(AtFdCwd, path, 0, StatxType, buffer);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without statx (glibc before 2.28): the managed view is all there is.
            return null;
        }

        if (result != 0)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                Enoent or Enotdir or Enametoolong => FileKind.Missing,
                Eacces => FileKind.Inaccessible,
                Eloop => FileKind.LinkLoop,
                // ENOSYS or EPERM: statx refused (an old kernel, a sandbox); fall back.
                _ => null,
            };
        }

        var mode = BitConverter.ToUInt16(buffer, StatxModeOffset);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };
    }

    // DllImport rather than LibraryImport, which would need unsafe code enabled for the whole project; on Unix a
    // string is passed as UTF-8, and the byte array is pinned, so statx writes straight into it.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
