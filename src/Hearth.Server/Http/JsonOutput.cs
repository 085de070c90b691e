using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hearth.Server.Http;

/// <summary>Writer settings for every response: minimal escaping (quotes and non-ASCII as-is, as OpenAI and Ollama send them).</summary>
internal static class JsonOutput
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };
}
