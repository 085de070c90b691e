using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Auth;

/// <summary>Whether, and how, requests must authenticate (see <see cref="ApiKeyStore.State"/>).</summary>
public enum ApiKeyAuthState
{
    /// <summary>The node has never had a key and is not configured <c>Server:Auth = Required</c>: no key is asked for.</summary>
    Off,

    /// <summary>Every protected request must present an active key (there may be none, in which case every such request gets 401).</summary>
    Required,

    /// <summary>The keys file cannot be used (corrupt, unreadable, newer format): no key is accepted until it is fixed (fail closed).</summary>
    Unavailable,
}

/// <summary>
/// API keys, each mapped to a tenant and a role, stored hashed in a JSON file. The running server re-reads the file when it
/// changes (checked at most once a second), so <c>hearth keys create|revoke</c> take effect without a restart.
/// </summary>
/// <remarks>
/// Authentication is off only on a node that has never had a key: the first key created (or a keys file with any record, active
/// or revoked) writes the marker file <see cref="RequiredMarkerName"/> beside the keys file, and from then on — also when every
/// key is revoked or the keys file is deleted — requests must authenticate. <c>Server:Auth = Required</c> forces the same from
/// the start. A keys file that cannot be used makes <see cref="State"/> <see cref="ApiKeyAuthState.Unavailable"/> (no key
/// verifies); the CLI verbs that read it throw <see cref="ApiKeyFileException"/> and never overwrite it. Thread-safe.
/// </remarks>
public sealed partial class ApiKeyStore
{
    /// <summary>File name of the marker written beside the keys file once the node has had a key.</summary>
    public const string RequiredMarkerName = "auth-required";

    private const string Prefix = "hk-";
    private const int HashBytes = 32;
    private const int MaxPresentedKeyChars = 200;

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly bool _alwaysRequired;
    private readonly Lock _lock = new();
    private Snapshot _snapshot = Snapshot.Empty;
    private (DateTime WriteTime, bool Marker) _loadedVersion = (DateTime.MinValue, false);
    private long _nextCheckTicks;

    /// <param name="path">The keys file (<c>$HEARTH_HOME/keys.json</c>).</param>
    /// <param name="timeProvider">Clock for creation and revocation times and the re-read interval.</param>
    /// <param name="alwaysRequired">True for <c>Server:Auth = Required</c>: authenticate even before the first key exists.</param>
    public ApiKeyStore(string path, TimeProvider? timeProvider = null, bool alwaysRequired = false)
    {
        _path = path;
        _time = timeProvider ?? TimeProvider.System;
        _alwaysRequired = alwaysRequired;
        RequiredMarkerPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, RequiredMarkerName);
        Refresh(force: true);
    }

    /// <summary>The keys file.</summary>
    public string FilePath => _path;

    /// <summary>Where a keys file that cannot be used is reported, once per change of the file (set by the node before it starts).</summary>
    internal ILogger? Logger { get; set; }

    /// <summary>The marker that keeps authentication on once the node has had a key (see the remarks).</summary>
    public string RequiredMarkerPath { get; }

    /// <summary>Whether requests must authenticate, re-reading the keys file if it changed.</summary>
    public ApiKeyAuthState State
    {
        get
        {
            Refresh(force: false);
            var s = _snapshot;
            return s.Error is not null ? ApiKeyAuthState.Unavailable
                : _alwaysRequired || s.HadKeys ? ApiKeyAuthState.Required
                : ApiKeyAuthState.Off;
        }
    }

    /// <summary>True unless <see cref="State"/> is <see cref="ApiKeyAuthState.Off"/>.</summary>
    public bool IsAuthRequired => State != ApiKeyAuthState.Off;

    /// <summary>Unrevoked keys in the file as last read (0 when it cannot be used).</summary>
    public int ActiveKeyCount
    {
        get
        {
            Refresh(force: false);
            return _snapshot.Active.Count;
        }
    }

    /// <summary>Why the keys file cannot be used, or null when it can (or does not exist).</summary>
    public ApiKeyFileException? LoadError
    {
        get
        {
            Refresh(force: false);
            return _snapshot.Error;
        }
    }

    /// <summary>Creates a key for a tenant; returns the record and the key (shown once, never stored).</summary>
    /// <exception cref="ApiKeyFileException">The existing keys file cannot be used; it is left as it is.</exception>
    public (ApiKeyRecord Record, string Key) Create(string tenant, string? name = null, string role = ApiKeyRoles.Tenant)
    {
        if (string.IsNullOrWhiteSpace(tenant))
        {
            throw new ArgumentException("A tenant is required.", nameof(tenant));
        }
        if (role is not (ApiKeyRoles.Tenant or ApiKeyRoles.Admin))
        {
            throw new ArgumentException($"Role '{role}' is not '{ApiKeyRoles.Tenant}' or '{ApiKeyRoles.Admin}'.", nameof(role));
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var salt = RandomNumberGenerator.GetBytes(16);
        var record = new ApiKeyRecord(id, tenant, name, Convert.ToBase64String(salt), Convert.ToBase64String(Hash(salt, secret)), _time.GetUtcNow(), null, role);
        lock (_lock)
        {
            var file = ReadFile();
            WriteMarker();
            file.Keys.Add(record);
            WriteFile(file);
        }
        Refresh(force: true);
        return (record, $"{Prefix}{id}.{secret}");
    }

    /// <summary>Every record in the file, revoked ones included.</summary>
    /// <exception cref="ApiKeyFileException">The keys file cannot be used.</exception>
    public IReadOnlyList<ApiKeyRecord> List()
    {
        lock (_lock)
        {
            return ReadFile().Keys;
        }
    }

    /// <summary>Revokes a key by id; false when no such active key.</summary>
    /// <exception cref="ApiKeyFileException">The keys file cannot be used; it is left as it is.</exception>
    public bool Revoke(string id)
    {
        lock (_lock)
        {
            var file = ReadFile();
            var index = file.Keys.FindIndex(k => k.Id == id && k.IsActive);
            if (index < 0)
            {
                return false;
            }
            WriteMarker();
            file.Keys[index] = file.Keys[index] with { RevokedAt = _time.GetUtcNow() };
            WriteFile(file);
        }
        Refresh(force: true);
        return true;
    }

    /// <summary>The active record for a presented key, or null (malformed, unknown, revoked, wrong secret, or the keys file cannot be used). Constant-time compare.</summary>
    public ApiKeyRecord? Verify(string? presented)
    {
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > MaxPresentedKeyChars)
        {
            return null;
        }
        var dot = presented.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return null;
        }
        Refresh(force: false);
        var id = presented[Prefix.Length..dot];
        if (!_snapshot.Active.TryGetValue(id, out var record))
        {
            return null;
        }
        // Salt and hash were checked to be base64 (hash: 32 bytes) when the file was loaded.
        var expected = Convert.FromBase64String(record.Hash);
        var actual = Hash(Convert.FromBase64String(record.Salt), presented[(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? record : null;
    }

    private static byte[] Hash(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void Refresh(bool force)
    {
        var now = _time.GetTimestamp();
        if (!force && now < Volatile.Read(ref _nextCheckTicks))
        {
            return;
        }
        Volatile.Write(ref _nextCheckTicks, now + _time.TimestampFrequency);
        var version = (File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue, File.Exists(RequiredMarkerPath));
        lock (_lock)
        {
            if (!force && version == _loadedVersion)
            {
                return;
            }
            _loadedVersion = version;
            try
            {
                var file = ReadFile();
                var hadKeys = version.Item2 || file.Keys.Count > 0;
                if (file.Keys.Count > 0 && !version.Item2)
                {
                    // A keys file from before the marker existed: the node has had keys, so it stays closed from now on.
                    TryWriteMarker();
                }
                _snapshot = new Snapshot(file.Keys.Where(k => k.IsActive).ToDictionary(k => k.Id, StringComparer.Ordinal), hadKeys, null);
            }
            catch (ApiKeyFileException e)
            {
                _snapshot = new Snapshot(Snapshot.Empty.Active, true, e);
                if (Logger is { } logger)
                {
                    LogKeysFileUnusable(logger, e.FilePath, e.Problem);
                }
            }
        }
    }

    private ApiKeyFile ReadFile()
    {
        if (!File.Exists(_path))
        {
            return new ApiKeyFile();
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ApiKeyFileException(_path, $"it cannot be read ({e.GetType().Name})", e);
        }
        ApiKeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, ApiKeyJsonContext.Default.ApiKeyFile);
        }
        catch (JsonException e)
        {
            // The parser's own message can quote the text around the error (a salt or hash): report the place only.
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "";
            var path = e.Path is { Length: > 1 } p ? $", near {p}" : "";
            throw new ApiKeyFileException(_path, $"it is not a valid keys file (bad JSON or a value of the wrong type{where}{path})", e);
        }
        Validate(file);
        return file!;
    }

    /// <summary>Checks what <see cref="Verify"/> relies on, so a hand-edited record fails here with its number and field, not later with a 500.</summary>
    private void Validate(ApiKeyFile? file)
    {
        if (file is null)
        {
            throw new ApiKeyFileException(_path, "it holds JSON null instead of an object with 'version' and 'keys'");
        }
        if (file.Version is < 1 or > ApiKeyFile.CurrentVersion)
        {
            throw new ApiKeyFileException(_path, $"format version {file.Version} is not supported (this build reads version {ApiKeyFile.CurrentVersion})");
        }
        if (file.Keys is null)
        {
            throw new ApiKeyFileException(_path, "'keys' is missing or null");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        Span<byte> buffer = stackalloc byte[64];
        for (var i = 0; i < file.Keys.Count; i++)
        {
            var k = file.Keys[i];
            string? field =
                k is null ? "the whole record (null)"
                : string.IsNullOrEmpty(k.Id) || k.Id.Length > 64 || k.Id.Contains('.', StringComparison.Ordinal) ? "'id'"
                : string.IsNullOrWhiteSpace(k.Tenant) ? "'tenant'"
                : k.Salt is null || !Convert.TryFromBase64String(k.Salt, buffer, out var saltBytes) || saltBytes == 0 ? "'salt' (base64)"
                : k.Hash is null || !Convert.TryFromBase64String(k.Hash, buffer, out var hashBytes) || hashBytes != HashBytes ? "'hash' (base64 of 32 bytes)"
                : k.Role is not (null or ApiKeyRoles.Tenant or ApiKeyRoles.Admin) ? $"'role' ('{ApiKeyRoles.Tenant}' or '{ApiKeyRoles.Admin}')"
                : null;
            if (field is not null)
            {
                throw new ApiKeyFileException(_path, $"key #{i + 1} has a missing or malformed {field}");
            }
            if (!ids.Add(k!.Id))
            {
                throw new ApiKeyFileException(_path, $"key #{i + 1} repeats the id of an earlier key");
            }
        }
    }

    private void WriteFile(ApiKeyFile file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        var temp = _path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(file, ApiKeyJsonContext.Default.ApiKeyFile));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temp, _path, overwrite: true);
    }

    private void WriteMarker()
    {
        if (File.Exists(RequiredMarkerPath))
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(RequiredMarkerPath)!);
        File.WriteAllText(RequiredMarkerPath,
            "This Hearth node has had API keys, so every API request must present an active key, also when all keys are revoked or\n"
            + "keys.json is deleted. Delete this file only to turn authentication off on purpose (see docs/server.md, \"Keys\").\n");
    }

    private void TryWriteMarker()
    {
        try
        {
            WriteMarker();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read-only home: the records in the file keep authentication on while they exist.
        }
    }

    private sealed record Snapshot(Dictionary<string, ApiKeyRecord> Active, bool HadKeys, ApiKeyFileException? Error)
    {
        public static Snapshot Empty { get; } = new(new Dictionary<string, ApiKeyRecord>(StringComparer.Ordinal), false, null);
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Keys file {Path} cannot be used: {Problem}. No API key is accepted until it is fixed.")]
    private static partial void LogKeysFileUnusable(ILogger logger, string path, string problem);
}
