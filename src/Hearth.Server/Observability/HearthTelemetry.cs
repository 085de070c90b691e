using System.Diagnostics;

namespace Hearth.Server.Observability;

/// <summary>The node's <see cref="ActivitySource"/> and the OpenTelemetry GenAI semantic-convention attribute names it sets.</summary>
public static class HearthTelemetry
{
    public const string SourceName = "Hearth.Server";
    public static readonly ActivitySource Source = new(SourceName, "1.0.0");

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestTemperature = "gen_ai.request.temperature";
    public const string RequestTopP = "gen_ai.request.top_p";
    public const string RequestSeed = "gen_ai.request.seed";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseId = "gen_ai.response.id";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string ErrorType = "error.type";
}
