using Hearth.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Http;

/// <summary>
/// The model a response names is the one that answered: when the router (<c>hearth/auto</c>) or residency (a confidential
/// request kept local instead of going upstream) chose another backend than the one requested, its decision
/// (the <see cref="RoutingOutcome"/> on the response or first update) names it, and the requested model goes in
/// <c>x-hearth-requested-model</c>.
/// </summary>
internal static class AnsweringModel
{
    public const string RequestedModelHeader = "x-hearth-requested-model";

    /// <summary>The answering model's id; sets <see cref="RequestedModelHeader"/> when it is not <paramref name="requested"/> (call before the body starts).</summary>
    public static string Resolve(HttpResponse response, RoutingOutcome? outcome, string requested)
    {
        ArgumentNullException.ThrowIfNull(response);
        var answered = outcome?.Backend is { Length: > 0 } route ? route : requested;
        if (!string.Equals(answered, requested, StringComparison.Ordinal) && !response.HasStarted)
        {
            response.Headers[RequestedModelHeader] = requested;
        }
        return answered;
    }
}
