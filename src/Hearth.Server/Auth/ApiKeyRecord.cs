using System.Text.Json.Serialization;

namespace Hearth.Server.Auth;

/// <summary>
/// One API key at rest: never the key itself, only a random per-key salt and SHA-256(salt ‖ secret), both base64.
/// The key shown once at creation is <c>hk-{Id}.{secret}</c>; <see cref="Id"/> lets the server find the record without scanning.
/// <see cref="Role"/> is <see cref="ApiKeyRoles.Admin"/> or <see cref="ApiKeyRoles.Tenant"/>; a record without one (written
/// before roles existed) is a tenant key.
/// </summary>
public sealed record ApiKeyRecord(string Id, string Tenant, string? Name, string Salt, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt,
    string? Role = null)
{
    [JsonIgnore]
    public bool IsActive => RevokedAt is null;

    /// <summary>True for an admin key: model store writes, every tenant's ledger data and node-wide views.</summary>
    [JsonIgnore]
    public bool IsAdmin => string.Equals(Role, ApiKeyRoles.Admin, StringComparison.Ordinal);
}

/// <summary>The roles a key can have (the <c>role</c> field of a key record).</summary>
public static class ApiKeyRoles
{
    /// <summary>Uses the models and reads its own tenant's ledger data. The default, and what a record without a role is.</summary>
    public const string Tenant = "tenant";

    /// <summary>Everything a tenant key can do, plus model store writes, other tenants' ledger data and node-wide views.</summary>
    public const string Admin = "admin";
}

/// <summary>The keys file (<c>$HEARTH_HOME/keys.json</c>).</summary>
public sealed class ApiKeyFile
{
    /// <summary>The newest format version this build reads and writes.</summary>
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;
    public List<ApiKeyRecord> Keys { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ApiKeyFile))]
internal sealed partial class ApiKeyJsonContext : JsonSerializerContext;
