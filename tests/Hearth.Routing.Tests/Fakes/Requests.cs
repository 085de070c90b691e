using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Fakes;

/// <summary>Options carrying the request facts the HTTP edge would set.</summary>
internal static class Requests
{
    public static ChatOptions With(RequestFacts facts)
    {
        var options = new ChatOptions();
        options.SetRequestFacts(facts);
        return options;
    }
}
