using System.Text.Json.Serialization;

namespace Hearth.Server.Auth;

/// <summary>
/// One API key at rest: never the key itself, only a random per-key salt and SHA-256(salt ‖ secret), both base64.
/// The key shown once at creation is <c>hk-{Id}.{secret}</c>; <see cref="Id"/> lets the server find the record without scanning.
/// </summary>
public sealed record ApiKeyRecord(string Id, string Tenant, string? Name, string Salt, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    [JsonIgnore]
    public bool IsActive => RevokedAt is null;
}

/// <summary>The keys file (<c>$HEARTH_HOME/keys.json</c>).</summary>
public sealed class ApiKeyFile
{
    public int Version { get; set; } = 1;
    public List<ApiKeyRecord> Keys { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ApiKeyFile))]
internal sealed partial class ApiKeyJsonContext : JsonSerializerContext;
