namespace Hearth.Server.Configuration;

/// <summary>The configuration is invalid; <see cref="Exception.Message"/> lists every problem with its key.</summary>
public sealed class HearthConfigException : Exception
{
    public HearthConfigException(IReadOnlyList<string> problems, Exception? inner = null)
        : base("Invalid Hearth configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)), inner)
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}
