namespace Hearth.Server.Auth;

/// <summary>
/// The keys file cannot be used: not JSON, not the expected shape, a newer format, or a record with a missing or malformed
/// field. The message names the file, the place (line and byte, or key number and field) and what to do; it never quotes the
/// file's contents, which hold salts and hashes. While the file is in this state the node accepts no key (fail closed).
/// </summary>
public sealed class ApiKeyFileException : IOException
{
    public ApiKeyFileException(string path, string problem, Exception? inner = null)
        : base($"Keys file '{path}' cannot be used: {problem}. Nothing was changed. Fix the file or restore it from a backup, or move it "
            + "aside and create new keys with 'hearth keys create --tenant NAME --admin'. Until then a node does not start, and a running node accepts no key.", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The keys file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file's contents (e.g. "not valid JSON (line 3, byte 14)").</summary>
    public string Problem { get; }
}
