namespace Hearth.Routing.Features;

/// <summary>FNV-1a 32-bit over UTF-16 code units: stable across processes and machines (unlike string.GetHashCode).</summary>
internal static class StableHash
{
    private const uint Offset = 2166136261;
    private const uint Prime = 16777619;

    public static uint Of(string ns, string a) => Mix(Mix(Mix(Offset, ns), "\u0001"), a);

    public static uint Of(string ns, string a, string b) => Mix(Mix(Mix(Mix(Mix(Offset, ns), "\u0001"), a), "\u0002"), b);

    private static uint Mix(uint h, string s)
    {
        foreach (var c in s)
        {
            h = (h ^ (c & 0xFFu)) * Prime;
            h = (h ^ (uint)(c >> 8)) * Prime;
        }
        return h;
    }
}
