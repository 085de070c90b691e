namespace Hearth.Ledger.Metering;

/// <summary>An upstream model's size, for the remote energy estimate.</summary>
/// <param name="ActiveParamsBillions">Active parameters in billions (for MoE models, the active ones).</param>
/// <param name="ProviderPue">The provider's PUE (default 1.2 when unknown; state it in config).</param>
public sealed record RemoteModelProfile(double ActiveParamsBillions, double ProviderPue = 1.2);

/// <summary>What is known about a request when it starts.</summary>
public sealed record RequestInfo
{
    public string Tenant { get; init; } = "";
    public string ApiKeyId { get; init; } = "";
    public string Route { get; init; } = "";
    public string Backend { get; init; } = "";
    public string ModelId { get; init; } = "";

    /// <summary>GGUF SHA-256 for local models, the upstream model string otherwise.</summary>
    public string ModelVersion { get; init; } = "";

    /// <summary>Set when the work is done by an upstream model: the entry's energy is then the remote estimate.</summary>
    public RemoteModelProfile? Remote { get; init; }
}
