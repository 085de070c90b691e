using System.Diagnostics;
using System.Runtime.CompilerServices;
using Hearth.Server.Backends;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Observability;

/// <summary>
/// Pipeline stage: one <c>chat {model}</c> span per call with GenAI semantic-convention attributes (only when something listens),
/// and token / request / time-to-first-token metrics. The span ends when the response, or the stream, ends.
/// </summary>
public sealed class TelemetryChatClient(IChatClient inner, ModelDescriptor model, HearthMetrics metrics) : DelegatingChatClient(inner)
{
    private readonly string _backend = model.Kind == BackendKind.Local ? "local" : "upstream";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var activity = Start(options);
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            Finish(activity, response.Usage, response.ResponseId, response.ModelId, response.FinishReason);
            return response;
        }
        catch (Exception e)
        {
            Fail(activity, e, cancellationToken);
            throw;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var activity = Start(options);
        var started = Stopwatch.GetTimestamp();
        var first = true;
        UsageDetails? usage = null;
        string? responseId = null, responseModel = null;
        ChatFinishReason? finish = null;
        var ended = false;
        await using var e = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await e.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                    update = e.Current;
                }
                catch (Exception ex)
                {
                    ended = true;
                    Fail(activity, ex, cancellationToken);
                    throw;
                }
                if (first)
                {
                    first = false;
                    metrics.TimeToFirstToken.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds, model.Id);
                }
                responseId ??= update.ResponseId;
                responseModel ??= update.ModelId;
                finish ??= update.FinishReason;
                foreach (var c in update.Contents)
                {
                    if (c is UsageContent u)
                    {
                        usage = u.Details;
                    }
                }
                yield return update;
            }
            ended = true;
        }
        finally
        {
            if (!ended)
            {
                // The consumer stopped early (client disconnected while its chunk was being written): generation is abandoned.
                metrics.ModelRequests.Add(1, model.Id, _backend, "cancelled");
                activity?.SetStatus(ActivityStatusCode.Error, "abandoned by the caller");
            }
        }
        Finish(activity, usage, responseId, responseModel, finish);
    }

    private Activity? Start(ChatOptions? options)
    {
        var activity = HearthTelemetry.Source.StartActivity("chat " + model.Id, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(HearthTelemetry.OperationName, "chat");
            activity.SetTag(HearthTelemetry.ProviderName, model.Kind == BackendKind.Local ? "hearth" : "openai");
            activity.SetTag(HearthTelemetry.RequestModel, model.Id);
            activity.SetTag(HearthTelemetry.RequestMaxTokens, options?.MaxOutputTokens);
            activity.SetTag(HearthTelemetry.RequestTemperature, options?.Temperature);
            activity.SetTag(HearthTelemetry.RequestTopP, options?.TopP);
            activity.SetTag(HearthTelemetry.RequestSeed, options?.Seed);
        }
        return activity;
    }

    private void Finish(Activity? activity, UsageDetails? usage, string? responseId, string? responseModel, ChatFinishReason? finish)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        if (input > 0) { metrics.Tokens.Add(input, model.Id, "input"); }
        if (output > 0) { metrics.Tokens.Add(output, model.Id, "output"); }
        metrics.ModelRequests.Add(1, model.Id, _backend, "ok");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(HearthTelemetry.ResponseId, responseId);
            activity.SetTag(HearthTelemetry.ResponseModel, responseModel ?? model.RemoteId ?? model.Id);
            if (finish is { } f) { activity.SetTag(HearthTelemetry.ResponseFinishReasons, new[] { f.Value }); }
            if (usage is not null)
            {
                activity.SetTag(HearthTelemetry.UsageInputTokens, input);
                activity.SetTag(HearthTelemetry.UsageOutputTokens, output);
            }
        }
    }

    private void Fail(Activity? activity, Exception e, CancellationToken cancellationToken)
    {
        var outcome = cancellationToken.IsCancellationRequested ? "cancelled" : "error";
        metrics.ModelRequests.Add(1, model.Id, _backend, outcome);
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            activity.SetTag(HearthTelemetry.ErrorType, e.GetType().Name);
        }
    }
}
