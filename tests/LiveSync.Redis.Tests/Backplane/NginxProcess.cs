using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// A private nginx (the Debian package, installed with apt-get when missing and the tests run as root) load-balancing
/// WebSockets round-robin over LiveSync servers: its own config and prefix dir, a free loopback port, one process
/// (no master, no daemon) so killing it ends it. Never the system service. The config is the README's reference
/// deployment with test ports.
/// </summary>
internal sealed class NginxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _prefix;
    private readonly StringBuilder _output = new();

    private NginxProcess(Process process, string prefix, int port)
    {
        _process = process;
        _prefix = prefix;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseUri { get; }

    public string ErrorLog => File.Exists(Path.Combine(_prefix, "error.log")) ? File.ReadAllText(Path.Combine(_prefix, "error.log")) : "";

    public static async Task<NginxProcess> StartAsync(IEnumerable<Uri> upstreams)
    {
        var executable = await SystemPackage.FindOrInstallAsync("nginx", "nginx");
        var prefix = Directory.CreateTempSubdirectory("livesync-nginx-").FullName;
        var port = LoopbackPort.Free();
        var servers = string.Concat(upstreams.Select(u => $"        server {u.Host}:{u.Port} max_fails=1 fail_timeout=10s;\n"));
        File.WriteAllText(Path.Combine(prefix, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;

                map $http_upgrade $connection_upgrade {
                    default upgrade;
                    ''      close;
                }

                upstream livesync {
            {{servers}}    }

                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://livesync;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_connect_timeout 2s;
                        proxy_read_timeout 60s;
                        proxy_send_timeout 60s;
                        proxy_buffering off;
                        proxy_next_upstream error timeout;
                    }
                }
            }
            """);

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-e", Path.Combine(prefix, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start nginx");
        var nginx = new NginxProcess(process, prefix, port);
        process.OutputDataReceived += (_, e) => nginx.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => nginx.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var why = nginx.Captured() + nginx.ErrorLog;
                await nginx.DisposeAsync();
                throw new InvalidOperationException("nginx did not start listening:\n" + why);
            }

            await Task.Delay(20);
        }

        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().Within();
        _process.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Captured()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
