using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LiveSync.Testing;

/// <summary>
/// The LiveSync server executable (LiveSync.Host.dll beside the test assembly: reference the host project) run as its
/// own process on a free loopback port: on a data directory, so a test can kill it with SIGKILL and start it again
/// there, or on Redis, so several share one store as in production.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private const int MaxOutput = 1024 * 1024;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>What the server wrote (stdout and stderr), the first megabyte.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True once the process ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts a server on the embedded store in <paramref name="dataDir"/>; waits until it listens, or exits when <paramref name="expectListening"/> is false.</summary>
    public static Task<ServerProcess> StartWithDataDirAsync(string dataDir, bool expectListening = true, params string[] extraArgs) =>
        StartAsync(["--LiveSync:DataDir=" + dataDir, .. extraArgs], expectListening);

    /// <summary>Starts a server on Redis at <paramref name="redisConfiguration"/> and waits until it listens.</summary>
    public static Task<ServerProcess> StartWithRedisAsync(string redisConfiguration, params string[] extraArgs) =>
        StartAsync(["--LiveSync:Redis=" + redisConfiguration, .. extraArgs], expectListening: true);

    /// <summary>Starts <paramref name="count"/> servers at once on the same Redis.</summary>
    public static Task<ServerProcess[]> StartManyWithRedisAsync(int count, string redisConfiguration) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartWithRedisAsync(redisConfiguration))).WaitAsync(StartTimeout * 1.5);

    /// <summary>Starts a server with <paramref name="args"/> (after <c>--urls http://127.0.0.1:0</c>).</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> args, bool expectListening = true)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LiveSync.Host.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (server._output)
            {
                if (server._output.Length < MaxOutput)
                {
                    server._output.AppendLine(e.Data);
                }
            }

            var match = ListeningLine().Match(e.Data);
            if (match.Success)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var first = await Task.WhenAny(listening.Task, exited.Task).WaitAsync(StartTimeout);
        if (first == listening.Task)
        {
            server.BaseUri = await listening.Task;
            return server;
        }

        await process.WaitForExitAsync().WaitAsync(StartTimeout);
        return expectListening
            ? throw new InvalidOperationException("the server exited before listening:\n" + server.Output)
            : server;
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
    }

    /// <summary>Kills the process and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
