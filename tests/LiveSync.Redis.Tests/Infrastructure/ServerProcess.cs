using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LiveSync.Redis.Tests.Infrastructure;

/// <summary>
/// The LiveSync server executable run as its own process on a free loopback port with Redis storage
/// (<c>--LiveSync:Redis=...</c>), so several can share one Redis as in production.
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

    /// <summary>Starts the server on Redis at <paramref name="redisConfiguration"/> and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(string redisConfiguration, params string[] extraArgs)
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
        start.ArgumentList.Add("--LiveSync:Redis=" + redisConfiguration);
        foreach (var arg in extraArgs)
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
                if (server._output.Length < 1024 * 1024)
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

        var first = await Task.WhenAny(listening.Task, exited.Task).Within(TimeSpan.FromSeconds(60));
        if (first != listening.Task)
        {
            await process.WaitForExitAsync().Within();
            throw new InvalidOperationException("the server exited before listening:\n" + server.Output);
        }

        server.BaseUri = await listening.Task;
        return server;
    }

    /// <summary>Starts <paramref name="count"/> servers at once on the same Redis.</summary>
    public static async Task<ServerProcess[]> StartManyAsync(int count, string redisConfiguration) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartAsync(redisConfiguration))).Within(TimeSpan.FromSeconds(90));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().Within();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
