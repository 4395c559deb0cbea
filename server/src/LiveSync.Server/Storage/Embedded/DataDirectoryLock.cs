using System.Globalization;
using System.Text;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// The lock file (<c>livesync.lock</c>) a <see cref="FileOpLog"/> holds in its data directory for its lifetime,
/// opened with <see cref="FileShare.None"/>. On Linux and macOS .NET takes an exclusive <c>flock</c> for that,
/// which the operating system releases when the process ends however it ends (even <c>kill -9</c>), so a stale
/// lock file never blocks a restart. It holds the owner's process id, for people, not for the check.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the data directory.</summary>
    public const string FileName = "livesync.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>
    /// Takes the lock of <paramref name="dataDir"/> (a full path); throws <see cref="IOException"/> naming the
    /// directory when another process, or another <see cref="FileOpLog"/> in this one, holds it.
    /// </summary>
    public static DataDirectoryLock Acquire(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException ex)
        {
            throw new IOException(
                $"The LiveSync data directory '{dataDir}' is in use: another LiveSync process (or another FileOpLog in this " +
                $"process) holds its lock file '{path}'. Stop that process or point this one at another DataDir.",
                ex);
        }

        try
        {
            var owner = Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            file.SetLength(0);
            file.Write(owner);
        }
        catch (IOException)
        {
            // The pid is only informative; holding the handle is what locks.
        }

        return new DataDirectoryLock(file);
    }

    /// <summary>Releases the lock. The file stays: deleting it would race with a process taking it.</summary>
    public void Dispose() => _file.Dispose();
}
