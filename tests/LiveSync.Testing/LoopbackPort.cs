using System.Net;
using System.Net.Sockets;

namespace LiveSync.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for the private servers tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A port the OS just handed out and released; free unless another process takes it in between.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
