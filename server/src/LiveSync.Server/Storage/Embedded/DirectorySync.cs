using System.Runtime.InteropServices;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// Makes a directory's entries durable (fsync on the directory), so a file created or renamed in it survives a
/// power loss. .NET has no API for it, hence a small P/Invoke on Unix; on Windows, NTFS journals directory changes
/// and this does nothing.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY is 0 on Linux, macOS and the BSDs.

    private static readonly bool s_supported = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>fsyncs <paramref name="directory"/>; throws <see cref="IOException"/> when that fails.</summary>
    public static void Flush(string directory)
    {
        if (!s_supported)
        {
            return;
        }

        var fd = open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (fsync(fd) != 0)
            {
                throw new IOException($"Cannot sync directory '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
