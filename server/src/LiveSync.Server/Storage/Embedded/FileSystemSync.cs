using System.Runtime.InteropServices;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// One <c>syncfs</c> for the whole file system that holds the data directory: every file written on it reaches stable
/// storage, with one device cache flush, however many files were written. The flusher uses it instead of one fsync per
/// document when a round has many documents to sync (with 100 documents busy, 100 fsyncs cost about 10 times one
/// syncfs). Linux only, and only from kernel 5.8, the first whose syncfs reports write-back errors (older ones
/// returned success even when data was lost, which would weaken <see cref="EmbeddedDurability.Always"/>).
/// </summary>
/// <remarks>
/// Every document folder is created by the log inside the data directory, so it is on the same file system. A syncfs
/// that fails says neither which file nor whether others were written; the caller then falls back to fsyncing each
/// file, which reports each file's own error (the kernel tracks those separately).
/// </remarks>
internal sealed class FileSystemSync : IDisposable
{
    private const int ReadOnly = 0; // O_RDONLY on Linux.
    private const int NotPermitted = 1; // EPERM: a sandbox forbids it.
    private const int NotImplemented = 38; // ENOSYS.

    private readonly int _fd;
    private bool _disabled;

    private FileSystemSync(int fd) => _fd = fd;

    /// <summary>False once syncfs turned out to be unavailable (forbidden by a sandbox, or not implemented).</summary>
    public bool IsEnabled => !_disabled;

    /// <summary>Whether this platform has a syncfs that reports errors.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.OSVersion.Version >= new Version(5, 8);

    /// <summary>Opens <paramref name="directory"/> to sync its file system later; null when unsupported or it cannot be opened.</summary>
    public static FileSystemSync? TryOpen(string directory)
    {
        if (!IsSupported)
        {
            return null;
        }

        var fd = open(directory, ReadOnly);
        return fd < 0 ? null : new FileSystemSync(fd);
    }

    /// <summary>
    /// Syncs the file system; true when everything written on it before the call is on stable storage. False when
    /// it failed (the caller must sync file by file; <paramref name="errno"/> says why) or is unavailable here, which
    /// turns it off for good (<see cref="IsEnabled"/>). <paramref name="errno"/> is 0 when it was already off.
    /// </summary>
    public bool TrySync(out int errno)
    {
        errno = 0;
        if (_disabled)
        {
            return false;
        }

        if (syncfs(_fd) == 0)
        {
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        if (errno is NotPermitted or NotImplemented)
        {
            _disabled = true;
        }

        return false;
    }

    public void Dispose() => _ = close(_fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int syncfs(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
