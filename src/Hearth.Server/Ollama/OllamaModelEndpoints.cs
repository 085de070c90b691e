using Hearth.Contracts;
using System.Globalization;
using Hearth.Server.Backends;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Hearth.Server.Ollama.Wire;
using Hearth.Server.Store;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Ollama;

internal sealed partial class OllamaEndpoints
{
    private OllamaModelEntry ToEntry(ModelDescriptor m)
    {
        var loaded = backends.Local?.Loaded().FirstOrDefault(l => l.Model.Id == m.Id);
        return new OllamaModelEntry
        {
            Name = m.Id,
            Model = m.Id,
            ModifiedAt = m.ModifiedAt.ToString("O", CultureInfo.InvariantCulture),
            Size = m.SizeBytes,
            Digest = ModelIdentity.Digest(m),
            Details = Details(m, loaded?.Details ?? FileDetails(m)),
        };
    }

    private static Backends.Local.LocalModelDetails? FileDetails(ModelDescriptor m) =>
        m.FilePath is { } path ? ModelInspector.TryInspect(path)?.Details : null;

    private static OllamaModelDetails Details(ModelDescriptor m, Backends.Local.LocalModelDetails? d) => new()
    {
        Format = m.Kind == BackendKind.Local ? "gguf" : "",
        Family = d?.Architecture ?? "",
        Families = d is null ? null : [d.Architecture],
        ParameterSize = d is null ? "" : FormatParameters(d.ParameterCount),
        QuantizationLevel = d?.QuantizationType ?? "",
    };

    private static string FormatParameters(long count) => count switch
    {
        >= 1_000_000_000 => (count / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (count / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (count / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "K",
        _ => count.ToString(CultureInfo.InvariantCulture),
    };

    private Task TagsAsync(HttpContext context) =>
        HttpJson.WriteAsync(context, new OllamaModelList { Models = [.. catalog.List().Select(ToEntry)] }, OllamaJsonContext.Default.OllamaModelList);

    private Task PsAsync(HttpContext context)
    {
        var list = new OllamaModelList();
        foreach (var l in backends.Local?.Loaded() ?? [])
        {
            var entry = ToEntry(l.Model);
            entry.Size = l.ResidentBytes;
            entry.SizeVram = 0;
            entry.ExpiresAt = (l.ExpiresAt ?? time.GetUtcNow().AddSeconds(options.Local.KeepAliveSeconds)).ToString("O", CultureInfo.InvariantCulture);
            list.Models.Add(entry);
        }
        return HttpJson.WriteAsync(context, list, OllamaJsonContext.Default.OllamaModelList);
    }

    private async Task ShowAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OllamaJsonContext.Default.OllamaModelRequest).ConfigureAwait(false);
        var model = Resolve(request.Target);
        var loaded = backends.Local?.Loaded().FirstOrDefault(l => l.Model.Id == model.Id)?.Details ?? FileDetails(model);
        var show = new OllamaShowResponse
        {
            Details = Details(model, loaded),
            ModifiedAt = model.ModifiedAt.ToString("O", CultureInfo.InvariantCulture),
            Template = loaded?.ChatTemplate ?? "",
            Modelfile = model.Kind == BackendKind.Local ? $"FROM {model.FilePath}\n" : $"# served by upstream '{model.OwnedBy}' as '{model.RemoteId}'\n",
            Capabilities = model.Kind == BackendKind.Local ? LocalCapabilities(model) : ["completion", "tools"],
        };
        show.ModelInfo["general.basename"] = model.Id;
        show.ModelInfo[OllamaShowResponse.BackendInfoKey] = model.Kind == BackendKind.Local ? "local" : "upstream:" + model.OwnedBy;
        if (loaded is not null)
        {
            show.ModelInfo["general.architecture"] = loaded.Architecture;
            show.ModelInfo["general.parameter_count"] = loaded.ParameterCount.ToString(CultureInfo.InvariantCulture);
            show.ModelInfo[loaded.Architecture + ".context_length"] = loaded.ContextLengthTokens.ToString(CultureInfo.InvariantCulture);
            show.ModelInfo[loaded.Architecture + ".embedding_length"] = loaded.EmbeddingLength.ToString(CultureInfo.InvariantCulture);
        }
        await HttpJson.WriteAsync(context, show, OllamaJsonContext.Default.OllamaShowResponse).ConfigureAwait(false);
    }

    private static List<string> LocalCapabilities(ModelDescriptor model)
    {
        var facts = model.FilePath is { } p ? ModelInspector.TryInspect(p) : null;
        List<string> caps = ["completion", "embedding"];
        if (facts is { ToolCallFormat: not "none" and not "None" })
        {
            caps.Add("tools");
        }
        return caps;
    }

    private async Task DeleteAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OllamaJsonContext.Default.OllamaModelRequest).ConfigureAwait(false);
        var model = Resolve(request.Target);
        if (model.Kind != BackendKind.Local || model.FilePath is null)
        {
            throw new ApiException(400, "invalid_request_error", $"model '{model.Id}' is served by upstream '{model.OwnedBy}'; remove it from the configuration instead", "model");
        }
        if (backends.Local is { } local && !local.TryUnload(model.Id))
        {
            throw new ApiException(409, "invalid_request_error", $"model '{model.Id}' is generating right now; retry when it is idle", "model") { RetryAfterSeconds = 1 };
        }
        File.Delete(model.FilePath);
        context.Response.StatusCode = 200;
    }

    private async Task PullAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OllamaJsonContext.Default.OllamaModelRequest).ConfigureAwait(false);
        ModelSource source;
        try
        {
            source = ModelSource.Parse(request.Target ?? "");
        }
        catch (ArgumentException e)
        {
            throw new ApiException(400, "invalid_request_error",
                $"{ArgumentMessages.Text(e)} Hearth pulls from a URL or hf:org/repo/file.gguf, not from the Ollama registry.", "model", null, e);
        }
        var ct = context.RequestAborted;
        var stream = request.Stream != false;
        var response = context.Response;
        using var http = ModelDownloader.CreateHttpClient();
        var downloader = new ModelDownloader(http, options.Home!, timeProvider: time, limits: options.Pull);
        // The client that asked is the only one waiting for these bytes: when it leaves, its partial file goes too.
        var mode = new PullMode(Overwrite: request.Force == true, DeletePartialWhenCancelled: true);
        if (!stream)
        {
            try
            {
                await downloader.PullAsync(source, mode, null, ct).ConfigureAwait(false);
            }
            catch (ModelDownloadException e)
            {
                throw PullError(e);
            }
            await StreamWriters.WriteLineAsync(response, w => { w.WriteStartObject(); w.WriteString("status", "success"); w.WriteEndObject(); }, ct).ConfigureAwait(false);
            return;
        }
        var lines = System.Threading.Channels.Channel.CreateUnbounded<PullProgress>();
        var pull = Task.Run(async () =>
        {
            try
            {
                return await downloader.PullAsync(source, mode, new InlineProgress(p => lines.Writer.TryWrite(p)), ct).ConfigureAwait(false);
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        }, ct);
        // The response starts with the first progress past "resolving": a pull refused up front (name taken, bad redirect, too
        // large) still gets its own HTTP status instead of a 200 stream with an error line.
        var started = false;
        await foreach (var p in lines.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (p.Phase is "success" or "resolving") { continue; }

            if (!started)
            {
                started = true;
                response.ContentType = "application/x-ndjson";
                await StreamWriters.WriteLineAsync(response, w => { w.WriteStartObject(); w.WriteString("status", "pulling manifest"); w.WriteEndObject(); }, ct).ConfigureAwait(false);
            }
            await StreamWriters.WriteLineAsync(response, w =>
            {
                w.WriteStartObject();
                w.WriteString("status", p.Phase switch
                {
                    "downloading" => "pulling " + source.ModelName,
                    "verifying" => "verifying sha256 digest",
                    var other => other,
                });
                if (p.Phase == "downloading")
                {
                    w.WriteString("digest", source.ModelName);
                    if (p.TotalBytes is { } t) { w.WriteNumber("total", t); }
                    w.WriteNumber("completed", p.CompletedBytes);
                }
                w.WriteEndObject();
            }, ct).ConfigureAwait(false);
        }
        try
        {
            await pull.ConfigureAwait(false);
        }
        catch (ModelDownloadException e) when (!started)
        {
            throw PullError(e);
        }
        catch (Exception e) when (e is ModelDownloadException or HttpRequestException or IOException)
        {
            if (!started)
            {
                response.ContentType = "application/x-ndjson";
            }
            await StreamWriters.WriteLineAsync(response, w => { w.WriteStartObject(); w.WriteString("error", e.Message); w.WriteEndObject(); }, ct).ConfigureAwait(false);
            return;
        }
        if (!started)
        {
            response.ContentType = "application/x-ndjson";
        }
        await StreamWriters.WriteLineAsync(response, w => { w.WriteStartObject(); w.WriteString("status", "success"); w.WriteEndObject(); }, ct).ConfigureAwait(false);
    }

    /// <summary>A failed pull as an HTTP error: a taken name is 409, a refused source 400, anything the remote side did 502.</summary>
    private static ApiException PullError(ModelDownloadException e) => e switch
    {
        ModelExistsException => new ApiException(409, "invalid_request_error", e.Message, "model", "model_exists", e),
        ModelSourceRejectedException => new ApiException(400, "invalid_request_error", e.Message, "model", "invalid_source", e),
        _ => new ApiException(502, "upstream_error", e.Message, "model", null, e),
    };

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (no synchronization-context hop).</summary>
    private sealed class InlineProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
