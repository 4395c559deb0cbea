using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Tests;

/// <summary>
/// A private redis-server for tests: a free loopback port, a temp data dir, started and awaited until it answers
/// PING. Installs redis-server with apt-get when it is missing and the tests run as root. Can kill -9 the server and
/// start it again on the same port and dir. Disposing kills it and deletes the dir.
/// Use as an xunit class fixture (append-only off) or through <see cref="StartAsync"/> for a private instance.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly bool _appendOnly;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _executable;

    /// <summary>Used by xunit as a class fixture: append-only off.</summary>
    public RedisServerFixture()
        : this(appendOnly: false)
    {
    }

    private RedisServerFixture(bool appendOnly)
    {
        _appendOnly = appendOnly;
        Port = LoopbackPort.Free();
        DataDirectory = Directory.CreateTempSubdirectory("livesync-redis-").FullName;
    }

    /// <summary>The loopback port the server listens on; the same across restarts.</summary>
    public int Port { get; }

    /// <summary>The server's working dir (AOF and dump files); the same across restarts.</summary>
    public string DataDirectory { get; }

    /// <summary>A configuration string for <see cref="RespOptions.Parse"/>.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a private server; the caller disposes it.</summary>
    public static async Task<RedisServerFixture> StartAsync(bool appendOnly = false)
    {
        var fixture = new RedisServerFixture(appendOnly);
        try
        {
            await fixture.InitializeAsync();
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    /// <summary>Options for this server, with test-friendly short reconnect delays.</summary>
    public RespOptions Options(TimeSpan? commandTimeout = null) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(10),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(250),
    };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _executable = await SystemPackage.FindOrInstallAsync("redis-server", "redis-server");
        await StartProcessAsync();
    }

    /// <summary>Kills the server with SIGKILL (no shutdown, no save) and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running.");
        _process = null;
        process.Kill(entireProcessTree: false); // SIGKILL on Unix
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        process.Dispose();
    }

    /// <summary>Starts the server again on the same port and dir and waits until it answers PING.</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp dir left behind is harmless.
        }
    }

    /// <inheritdoc />
    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private async Task StartProcessAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("redis-server is already running.");
        }

        var start = new ProcessStartInfo(_executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", _appendOnly ? "yes" : "no",
            "--dir", DataDirectory, "--daemonize", "no", "--logfile", "",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (!await PingAsync())
        {
            if (process.HasExited || deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds} s. Output:\n{Output()}");
            }

            await Task.Delay(20);
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cts.Token);
            var reply = new byte[7];
            var read = 0;
            while (read < reply.Length)
            {
                var n = await stream.ReadAsync(reply.AsMemory(read), cts.Token);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            // "-LOADING" while an AOF is replayed counts as not ready.
            return reply.AsSpan().SequenceEqual("+PONG\r\n"u8);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
