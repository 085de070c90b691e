using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hearth.Server.Auth;

/// <summary>
/// API keys, each mapped to a tenant, stored hashed in a JSON file. The running server re-reads the file when it changes (checked
/// at most once a second), so <c>hearth keys create|revoke</c> take effect without a restart. When no active key exists,
/// authentication is off (a fresh loopback node needs none); as soon as one exists every API request must present one.
/// </summary>
public sealed class ApiKeyStore
{
    private const string Prefix = "hk-";
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Dictionary<string, ApiKeyRecord> _active = new(StringComparer.Ordinal);
    private DateTime _loadedWriteTime = DateTime.MinValue;
    private long _nextCheckTicks;

    public ApiKeyStore(string path, TimeProvider? timeProvider = null)
    {
        _path = path;
        _time = timeProvider ?? TimeProvider.System;
        Refresh(force: true);
    }

    /// <summary>True when at least one unrevoked key exists, i.e. requests must authenticate.</summary>
    public bool IsAuthRequired
    {
        get
        {
            Refresh(force: false);
            return _active.Count > 0;
        }
    }

    /// <summary>Creates a key for a tenant; returns the record and the key (shown once, never stored).</summary>
    public (ApiKeyRecord Record, string Key) Create(string tenant, string? name = null)
    {
        if (string.IsNullOrWhiteSpace(tenant))
        {
            throw new ArgumentException("A tenant is required.", nameof(tenant));
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var salt = RandomNumberGenerator.GetBytes(16);
        var record = new ApiKeyRecord(id, tenant, name, Convert.ToBase64String(salt), Convert.ToBase64String(Hash(salt, secret)), _time.GetUtcNow(), null);
        lock (_lock)
        {
            var file = ReadFile();
            file.Keys.Add(record);
            WriteFile(file);
        }
        Refresh(force: true);
        return (record, $"{Prefix}{id}.{secret}");
    }

    public IReadOnlyList<ApiKeyRecord> List()
    {
        lock (_lock)
        {
            return ReadFile().Keys;
        }
    }

    /// <summary>Revokes a key by id; false when no such active key.</summary>
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
            file.Keys[index] = file.Keys[index] with { RevokedAt = _time.GetUtcNow() };
            WriteFile(file);
        }
        Refresh(force: true);
        return true;
    }

    /// <summary>The active record for a presented key, or null (malformed, unknown, revoked or wrong secret). Constant-time compare.</summary>
    public ApiKeyRecord? Verify(string? presented)
    {
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200)
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
        if (!_active.TryGetValue(id, out var record))
        {
            return null;
        }
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
        var writeTime = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
        if (!force && writeTime == _loadedWriteTime)
        {
            return;
        }
        lock (_lock)
        {
            _active = ReadFile().Keys.Where(k => k.IsActive).ToDictionary(k => k.Id, StringComparer.Ordinal);
            _loadedWriteTime = writeTime;
        }
    }

    private ApiKeyFile ReadFile()
    {
        if (!File.Exists(_path))
        {
            return new ApiKeyFile();
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(_path), ApiKeyJsonContext.Default.ApiKeyFile) ?? new ApiKeyFile();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Keys file '{_path}' is not valid: {e.Message}", e);
        }
    }

    private void WriteFile(ApiKeyFile file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(file, ApiKeyJsonContext.Default.ApiKeyFile));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temp, _path, overwrite: true);
    }
}
