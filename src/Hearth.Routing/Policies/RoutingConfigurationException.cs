namespace Hearth.Routing.Policies;

/// <summary>Routing configuration is invalid (unknown policy or backend names, missing tiers); raised at startup.</summary>
public sealed class RoutingConfigurationException : Exception
{
    public RoutingConfigurationException(string message)
        : base(message)
    {
    }

    public RoutingConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RoutingConfigurationException()
    {
    }
}
