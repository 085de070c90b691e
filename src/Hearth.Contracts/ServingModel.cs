namespace Hearth.Contracts;

/// <summary>
/// The model that actually serves a call, stamped on the request by the model's own pipeline just above its backend, for the
/// ledger entry: <paramref name="ModelId"/> (the entry's route), <paramref name="Backend"/> (<c>local</c>,
/// <c>upstream:NAME</c>, <c>peer:NODE</c>) and the model version (GGUF SHA-256 or the upstream's model string) when known.
/// </summary>
public sealed record ServingModel(string ModelId, string Backend, string? ModelVersion = null);
