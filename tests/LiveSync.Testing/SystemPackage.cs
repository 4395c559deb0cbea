using System.Diagnostics;

namespace LiveSync.Testing;

/// <summary>
/// Finds a program that a Debian package provides (redis-server, nginx) and, when it is missing and the tests run as
/// root, installs the package with apt-get, so the tests work on a fresh machine. One install at a time.
/// </summary>
public static class SystemPackage
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] SystemDirectories = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

    /// <summary>The full path of <paramref name="program"/>, installing <paramref name="package"/> first when it is missing.</summary>
    public static async Task<string> FindOrInstallAsync(string program, string package)
    {
        if (Find(program) is { } found)
        {
            return found;
        }

        await InstallLock.WaitAsync();
        try
        {
            if (Find(program) is { } installedMeanwhile)
            {
                return installedMeanwhile;
            }

            if (!Environment.IsPrivilegedProcess)
            {
                throw new InvalidOperationException(
                    $"{program} is not installed and the tests are not running as root to install it: apt-get install -y {package}.");
            }

            // A fresh machine may have no package lists yet: update once, only when the first attempt fails.
            if (await RunAsync("apt-get", "install", "-y", "--no-install-recommends", package) != 0)
            {
                await RunAsync("apt-get", "update");
                await RunAsync("apt-get", "install", "-y", "--no-install-recommends", package);
            }

            return Find(program) ?? throw new InvalidOperationException($"apt-get could not install {package}.");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>The full path of <paramref name="program"/> on PATH or in the system directories, or null.</summary>
    public static string? Find(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(SystemDirectories))
        {
            var path = Path.Combine(dir, program);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var drainOut = process.StandardOutput.ReadToEndAsync();
        var drainErr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(InstallTimeout);
        await Task.WhenAll(drainOut, drainErr).WaitAsync(InstallTimeout);
        return process.ExitCode;
    }
}
