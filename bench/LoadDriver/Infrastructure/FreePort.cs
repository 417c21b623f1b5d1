using System.Net;
using System.Net.Sockets;

namespace KlmSocialPay.LoadDriver.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1, taken from the kernel's ephemeral range.</summary>
public static class FreePort
{
    // NOTE: the port is free when this returns; another process could take it before the caller binds it.
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
