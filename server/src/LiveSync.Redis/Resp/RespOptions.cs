using System.Globalization;
using System.Text;

namespace LiveSync.Redis.Resp;

/// <summary>
/// Where and how <see cref="RespConnection"/> and <see cref="RespSubscriber"/> connect. Build it in code or with
/// <see cref="Parse"/> from a configuration string such as <c>127.0.0.1:6379,password=secret,db=2</c>.
/// </summary>
public sealed class RespOptions
{
    /// <summary>The server's host name or IP address. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The server's TCP port. Default 6379.</summary>
    public int Port { get; set; } = 6379;

    /// <summary>The ACL user sent with AUTH, or null for the default user. Default null.</summary>
    public string? User { get; set; }

    /// <summary>The password sent with AUTH on every (re)connect, or null to skip AUTH. Default null. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The database selected with SELECT on every (re)connect. Default 0 (no SELECT sent).</summary>
    public int Database { get; set; }

    /// <summary>How long opening the socket plus AUTH and SELECT may take. Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a command may wait for its reply before it fails with a <see cref="TimeoutException"/>; the
    /// connection is kept and the late reply is discarded when it comes. Checked every quarter of its length (at
    /// most every second), so a timeout fires up to that much late. <see cref="Timeout.InfiniteTimeSpan"/>
    /// disables it. Default 5 seconds.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before the first reconnect attempt after the connection drops; doubled after each failed attempt. Default 100 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between reconnect attempts. Default 5 seconds.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The endpoint as <c>host:port</c>, as logged and used in error messages.</summary>
    public string EndPoint => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Parses a configuration string: an endpoint (<c>host</c>, <c>host:port</c> or <c>[ipv6]:port</c>) followed by
    /// comma-separated <c>key=value</c> settings: <c>password</c>, <c>user</c>, <c>db</c>, <c>connectTimeout</c> and
    /// <c>commandTimeout</c> (both in milliseconds). Keys are case-insensitive.
    /// </summary>
    /// <exception cref="FormatException">The string is empty, has no endpoint, or has an unknown key or a bad number.</exception>
    public static RespOptions Parse(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new RespOptions();
        var sawEndPoint = false;
        foreach (var rawPart in configuration.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (sawEndPoint)
                {
                    throw new FormatException("A Redis configuration string takes one endpoint.");
                }

                options.ParseEndPoint(part);
                sawEndPoint = true;
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "password":
                    options.Password = value;
                    break;
                case "user":
                    options.User = value;
                    break;
                case "db":
                    options.Database = ParseInt(key, value);
                    break;
                case "connecttimeout":
                    options.ConnectTimeout = TimeSpan.FromMilliseconds(ParseInt(key, value));
                    break;
                case "commandtimeout":
                    options.CommandTimeout = TimeSpan.FromMilliseconds(ParseInt(key, value));
                    break;
                default:
                    throw new FormatException($"Unknown Redis configuration key '{key}'.");
            }
        }

        if (!sawEndPoint)
        {
            throw new FormatException("A Redis configuration string must start with host:port.");
        }

        return options;
    }

    /// <summary>The configuration string for these options, with the password masked so it is safe to log.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(EndPoint);
        if (User is not null)
        {
            builder.Append(",user=").Append(User);
        }

        if (Password is not null)
        {
            builder.Append(",password=*****");
        }

        if (Database != 0)
        {
            builder.Append(",db=").Append(Database.ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>A copy, so a connection is not affected by later changes to the caller's instance.</summary>
    internal RespOptions Clone() => (RespOptions)MemberwiseClone();

    /// <summary>Throws when a setting is out of range, before any connection is attempted.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("RespOptions.Host is required.");
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"RespOptions.Port {Port} is not a TCP port.");
        }

        if (Database < 0)
        {
            throw new ArgumentException("RespOptions.Database cannot be negative.");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("RespOptions.ConnectTimeout must be positive.");
        }

        if (CommandTimeout <= TimeSpan.Zero && CommandTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("RespOptions.CommandTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
        {
            throw new ArgumentException("RespOptions.ReconnectMinDelay must be positive and at most ReconnectMaxDelay.");
        }
    }

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new FormatException($"Redis configuration key '{key}' needs a non-negative integer.");

    private void ParseEndPoint(string text)
    {
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"Bad Redis endpoint '{text}'.");
            }

            host = text[1..close];
            if (close + 1 < text.Length)
            {
                port = text[(close + 1)..].StartsWith(':') ? text[(close + 2)..] : throw new FormatException($"Bad Redis endpoint '{text}'.");
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new FormatException($"Bad Redis endpoint '{text}'.");
        }

        Host = host;
        if (port is not null)
        {
            Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535
                ? number
                : throw new FormatException($"Bad port in Redis endpoint '{text}'.");
        }
    }
}
