using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LiveSync.Server.Tests.Infrastructure;

/// <summary>
/// The LiveSync server executable run as its own process on a free loopback port, so a test can kill it with
/// SIGKILL and start it again on the same data directory.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    public Uri BaseUri { get; private set; } = null!;

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

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the server on <paramref name="dataDir"/> and waits until it listens (or exits, when <paramref name="expectListening"/> is false).</summary>
    public static async Task<ServerProcess> StartAsync(string dataDir, bool expectListening = true, params string[] extraArgs)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "LiveSync.Host.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.ArgumentList.Add("--LiveSync:DataDir=" + dataDir);
        foreach (var arg in extraArgs)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__LogLevel__Default"] = "Information";
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
                server._output.AppendLine(e.Data);
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

        var first = await Task.WhenAny(listening.Task, exited.Task).Within(TimeSpan.FromSeconds(60));
        if (first == listening.Task)
        {
            server.BaseUri = await listening.Task;
        }
        else
        {
            await process.WaitForExitAsync().Within();
            if (expectListening)
            {
                throw new InvalidOperationException("the server exited before listening:\n" + server.Output);
            }
        }

        return server;
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().Within();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
