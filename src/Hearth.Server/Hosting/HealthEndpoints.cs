using Hearth.Server.Backends;
using Hearth.Server.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Hosting;

/// <summary>
/// <c>/healthz</c> (process alive) and <c>/readyz</c> (models folder readable), open to anyone; <c>/metrics</c> (Prometheus
/// text), a node-wide view that needs an admin key once the node requires keys.
/// </summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ModelCatalog catalog, HearthMetrics metrics)
    {
        app.MapGet("/healthz", (HttpContext context) => Text(context, 200, "ok\n")).AllowAnonymous();
        app.MapGet("/readyz", (HttpContext context) =>
        {
            try
            {
                var count = catalog.List().Count;
                return Text(context, 200, $"ready: {count} models\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Text(context, 503, $"not ready: models folder '{catalog.ModelsDirectory}' unreadable: {e.Message}\n");
            }
        }).AllowAnonymous();
        app.MapGet("/metrics", (HttpContext context) =>
        {
            context.Response.ContentType = PrometheusText.ContentType;
            return context.Response.WriteAsync(metrics.Render(), context.RequestAborted);
        }).RequireAuthorization(Auth.HearthAuth.AdminPolicy);
    }

    private static Task Text(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
