using Hearth.Contracts;

namespace Hearth.Server.Http;

/// <summary>
/// The edge's one mapping from typed results on a response to <c>x-hearth-*</c> headers (and to the streamed <c>hearth</c>
/// extension field, which carries the same entries). Header values are ASCII: any other character becomes <c>?</c>.
/// </summary>
internal static class HearthHeaders
{
    /// <summary>The backend the router (or residency) chose.</summary>
    public const string Route = "x-hearth-route";

    /// <summary>Why, in one line.</summary>
    public const string Reason = "x-hearth-reason";

    /// <summary><c>true</c> when a local model answered because the chosen remote one failed.</summary>
    public const string Degraded = "x-hearth-degraded";

    /// <summary>
    /// The headers of a routing or residency decision: <see cref="Route"/> when it names a backend, <see cref="Reason"/>, and
    /// <see cref="Degraded"/> on a failover; none when there is no decision.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> Routing(RoutingOutcome? outcome)
    {
        if (outcome is null)
        {
            yield break;
        }
        if (outcome.Backend is { } backend)
        {
            yield return new(Route, Ascii(backend));
        }
        yield return new(Reason, Ascii(outcome.Reason));
        if (outcome.Degraded)
        {
            yield return new(Degraded, "true");
        }
    }

    /// <summary>Printable ASCII kept, everything else <c>?</c> (one character each, so the length is unchanged).</summary>
    internal static string Ascii(string s) => string.Create(s.Length, s, (span, text) =>
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            span[i] = c is >= ' ' and <= '~' ? c : '?';
        }
    });
}
