using Hearth.Contracts;
using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Models;
using Hearth.Server.Configuration;

namespace Hearth.Server.Backends.Local.Engine;

/// <summary>Loads GGUF files with Hearth's in-process engine (<see cref="LoadedModel"/>).</summary>
public sealed class EngineModelLoader : ILocalModelLoader
{
    public Task<ILocalModel> LoadAsync(ModelDescriptor model, LocalModelOptions options, CancellationToken cancellationToken) =>
        Task.Run<ILocalModel>(() =>
        {
            var engineOptions = new EngineOptions
            {
                ContextLength = options.ContextLength,
                MaxConcurrentSequences = options.ConcurrentSequencesPerModel,
            };
            if (options.Threads > 0)
            {
                engineOptions = engineOptions with { Threads = options.Threads };
            }
            try
            {
                return new EngineLocalModel(LoadedModel.Load(model.FilePath!, engineOptions), options.MaxEmbeddingTokensPerRequest);
            }
            catch (UnsupportedModelException e)
            {
                throw new HearthRequestException(RequestErrorKind.InvalidRequest, $"Model '{model.Id}' cannot be run by Hearth's engine: {e.Message}", "model", "unsupported_model", e);
            }
            catch (GgufFormatException e)
            {
                throw new HearthRequestException(RequestErrorKind.InvalidRequest, $"Model file of '{model.Id}' is not a valid GGUF file: {e.Message}", "model", "invalid_model_file", e);
            }
            catch (Hearth.Inference.Tokenizers.NotSupportedTokenizerException e)
            {
                throw new HearthRequestException(RequestErrorKind.InvalidRequest,
                    $"Model '{model.Id}' ({FileName(model)}) asks for a tokenizer Hearth's engine does not implement: {e.Message}", "model", "unsupported_model", e);
            }
            catch (Hearth.Inference.Tokenizers.TokenizerFormatException e)
            {
                // The tokenizer names its origin by the file's full path; the client gets the file name only.
                throw new HearthRequestException(RequestErrorKind.InvalidRequest,
                    $"Model file {FileName(model)} of '{model.Id}' has a broken tokenizer ({e.Field ?? "vocabulary"}): {Reason(e)}", "model", "invalid_model_file", e);
            }
            catch (FileNotFoundException e)
            {
                throw new HearthRequestException(RequestErrorKind.NotFound, $"Model file of '{model.Id}' disappeared: {e.Message}", "model", "model_not_found", e);
            }
        }, cancellationToken);

    private static string FileName(ModelDescriptor model) => Path.GetFileName(model.FilePath) ?? model.Id;

    /// <summary>The reason without the "origin: field: " prefix the tokenizer puts in front.</summary>
    private static string Reason(Hearth.Inference.Tokenizers.TokenizerFormatException e)
    {
        var prefix = e.Field is null ? null : $"{e.Origin ?? "vocabulary"}: {e.Field}: ";
        return prefix is not null && e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
    }
}

/// <summary>A model loaded by the engine, as the server sees it.</summary>
internal sealed class EngineLocalModel : ILocalModel
{
    private readonly LoadedModel _model;

    public EngineLocalModel(LoadedModel model, int maxEmbeddingTokensPerRequest)
    {
        _model = model;
        ChatClient = new LocalChatClient(model);
        EmbeddingGenerator = new LocalEmbeddingGenerator(model, maxEmbeddingTokensPerRequest);
        Details = new LocalModelDetails(model.Info.Architecture, model.Info.ParameterCount, model.Info.QuantizationType.ToString(),
            model.Info.ContextLength, model.Info.EmbeddingLength, model.ChatTemplate?.Source);
    }

    /// <summary>The file is memory-mapped: its size is what the model costs in memory (KV caches come on top per sequence).</summary>
    public long ResidentBytes => _model.Info.FileBytes;

    public LocalModelDetails Details { get; }
    public Microsoft.Extensions.AI.IChatClient ChatClient { get; }
    public Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>? EmbeddingGenerator { get; }

    public bool IsStale => _model.FileReplaced;

    public void Dispose() => _model.Dispose();
}
