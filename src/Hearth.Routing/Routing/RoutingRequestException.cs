namespace Hearth.Routing.Routing;

/// <summary>A request asked for a routing policy that is unknown or cannot run here (HTTP 400 at the edge).</summary>
public sealed class RoutingRequestException : Exception
{
    public RoutingRequestException(string message)
        : base(message)
    {
    }

    public RoutingRequestException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RoutingRequestException()
    {
    }
}
