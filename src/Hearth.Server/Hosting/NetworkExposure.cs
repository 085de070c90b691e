using System.Net;
using Hearth.Server.Auth;

namespace Hearth.Server.Hosting;

/// <summary>Whether a <c>Server:Host</c> value makes the node reachable from other machines, and the warning for an open one.</summary>
public static class NetworkExposure
{
    /// <summary>True for <c>localhost</c> and loopback addresses (127.0.0.0/8, ::1); false for <c>*</c>, <c>0.0.0.0</c>, <c>::</c> and any other address.</summary>
    public static bool IsLoopbackOnly(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>The warning for a node that other machines can reach without a key, or null when it is loopback-only or asks for keys.</summary>
    public static string? OpenNodeWarning(string host, ApiKeyAuthState state) =>
        IsLoopbackOnly(host) || state != ApiKeyAuthState.Off ? null
        : $"WARNING: Server:Host is '{host}', so other machines can reach this node, and it has no API key: anyone who can reach "
          + "the port can run the models, pull and delete model files and read the ledger. Create an admin key ('hearth keys create "
          + "--tenant NAME --admin', effective within a second) or bind loopback ('--host 127.0.0.1').";
}
