using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LiveSync.Benchmarks;

/// <summary>
/// A server run as its own process on a free loopback port, so its CPU time and RSS are its own: the LiveSync
/// executable (LiveSync.Host.dll, copied to this tool's output by the project reference) on a fresh temporary data
/// directory, or this tool's own executable in its <c>--relay-server</c> mode (the bare relay hub).
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _dataDir;

    private ServerProcess(Process process, string? dataDir)
    {
        _process = process;
        _dataDir = dataDir;
    }

    public Uri BaseUri { get; private set; } = null!;

    public int Pid => _process.Id;

    /// <summary>LiveSync, on the embedded store or, with <paramref name="redis"/> ("host:port"), on Redis.</summary>
    public static Task<ServerProcess> StartLiveSyncAsync(string? redis)
    {
        var dataDir = Directory.CreateTempSubdirectory("livesync-bench-").FullName;
        var arguments = new List<string> { Path.Combine(AppContext.BaseDirectory, "LiveSync.Host.dll"), "--LiveSync:DataDir=" + dataDir };
        if (redis is not null)
        {
            arguments.Add("--LiveSync:Redis=" + redis);
        }

        return StartAsync(arguments, dataDir);
    }

    /// <summary>
    /// The bare relay hub: this executable in its relay mode, with the runtime settings LiveSync.Host's runtime config
    /// has (workstation GC; tiered compilation without the quick first compile), so the two compare like for like.
    /// </summary>
    public static Task<ServerProcess> StartRelayAsync() =>
        StartAsync([Path.Combine(AppContext.BaseDirectory, "LiveSync.Benchmarks.dll"), RelayServer.Flag], dataDir: null, hostRuntimeSettings: true);

    private static async Task<ServerProcess> StartAsync(List<string> arguments, string? dataDir, bool hostRuntimeSettings = false)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (hostRuntimeSettings)
        {
            start.Environment["DOTNET_gcServer"] = "0";
            start.Environment["DOTNET_TC_QuickJit"] = "0";
        }

        // Quiet, one line per message, except for the line that says where it listens.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process, dataDir);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            var match = ListeningLine().Match(e.Data);
            if (match.Success)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
            else if (!e.Data.StartsWith("info:", StringComparison.Ordinal))
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the server exited before listening"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        server.BaseUri = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        if (_dataDir is null)
        {
            return;
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
