using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Hearth.Server.OpenAi;
using Hearth.Server.OpenAi.Wire;

namespace Hearth.Bench.Gateway;

/// <summary>
/// The CPU work the gateway adds per proxied chat completion, without sockets: parse the client's JSON, validate, map to
/// Microsoft.Extensions.AI types, build the upstream JSON; then parse the upstream's answer and write the client's answer.
/// End-to-end latency through real sockets is `hearth bench gateway`.
/// </summary>
[MemoryDiagnoser]
public class GatewayTranslationBenchmarks
{
    private static readonly byte[] Request = Encoding.UTF8.GetBytes(
        """{"model":"fixed-model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in five words."}],"max_tokens":16,"temperature":0.2}""");

    private static readonly byte[] UpstreamAnswer = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-fixed","object":"chat.completion","created":1700000000,"model":"fixed-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fixed upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}""");

    [Benchmark]
    public int RequestToUpstreamJson()
    {
        var request = JsonSerializer.Deserialize(Request, OpenAiJsonContext.Default.ChatCompletionRequest)!;
        OpenAiRequestMapping.Validate(request);
        var messages = OpenAiMessageMapping.ToChatMessages(request.Messages);
        var options = OpenAiRequestMapping.ToChatOptions(request);
        var wire = OpenAiRequestMapping.ToWireRequest(messages, options, "fixed-model", stream: false);
        return JsonSerializer.SerializeToUtf8Bytes(wire, OpenAiJsonContext.Default.ChatCompletionRequest).Length;
    }

    [Benchmark]
    public int UpstreamJsonToClientJson()
    {
        var wire = JsonSerializer.Deserialize(UpstreamAnswer, OpenAiJsonContext.Default.ChatCompletionResponse)!;
        var response = OpenAiResponseMapping.FromWire(wire);
        var answer = OpenAiResponseMapping.ToWire(response, "fixed-model", "chatcmpl-x", 1700000000);
        return JsonSerializer.SerializeToUtf8Bytes(answer, OpenAiJsonContext.Default.ChatCompletionResponse).Length;
    }
}
