using System.Security.Cryptography;

namespace Hearth.Server.OpenAi;

/// <summary>Response ids in OpenAI's style (<c>chatcmpl-</c>, <c>cmpl-</c> + 24 random hex characters).</summary>
internal static class RequestIds
{
    public static string New(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
