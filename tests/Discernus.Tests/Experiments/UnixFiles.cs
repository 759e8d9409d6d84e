using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Discernus.Tests.Experiments;

/// <summary>Files that only Unix has, made the way a user would end up with them (mkfifo, a socket, a name that is not UTF-8).</summary>
internal static class UnixFiles
{
    public static void MakeFifo(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        Assert.True(MkFifo(path, 0x1A4) == 0, $"mkfifo {path} failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>A Unix-domain socket bound to <paramref name="path"/>; the file exists while the socket is open.</summary>
    public static Socket MakeSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        Assert.True(File.Exists(path), $"binding a socket did not create {path}");
        return socket;
    }

    /// <summary>Creates <paramref name="directory"/>/<paramref name="nameBytes"/>, a name .NET strings cannot spell.</summary>
    public static void CreateWithRawName(string directory, byte[] nameBytes, string content)
    {
        var fd = Creat(RawPath(directory, nameBytes), 0x1A4);
        Assert.True(fd >= 0, $"creat failed with errno {Marshal.GetLastPInvokeError()}");
        var bytes = Encoding.UTF8.GetBytes(content);
        Assert.Equal(bytes.Length, (int)Write(fd, bytes, bytes.Length));
        Assert.Equal(0, Close(fd));
    }

    public static void DeleteWithRawName(string directory, byte[] nameBytes)
    {
        Assert.True(Unlink(RawPath(directory, nameBytes)) == 0, $"unlink failed with errno {Marshal.GetLastPInvokeError()}");
    }

    private static byte[] RawPath(string directory, byte[] nameBytes) =>
        Encoding.UTF8.GetBytes(directory + "/").Concat(nameBytes).Append((byte)0).ToArray();

    [DllImport("libc", EntryPoint = "unlink", SetLastError = true)]
    private static extern int Unlink(byte[] path);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "creat", SetLastError = true)]
    private static extern int Creat(byte[] path, uint mode);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
