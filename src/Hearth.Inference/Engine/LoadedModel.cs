using Hearth.Inference.Engine.Scheduling;
using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;
using Hearth.Inference.Models;
using Hearth.Inference.Templates;
using Hearth.Inference.Tokenizers;

namespace Hearth.Inference.Engine;

/// <summary>
/// A GGUF model mapped into memory and ready to generate. Thread-safe: any number of callers may generate at once; up to
/// <see cref="EngineOptions.MaxConcurrentSequences"/> sequences are live (each with its own KV cache, others wait), and the
/// model's <see cref="StepScheduler"/> runs their forward steps batched: the pending next tokens (and prompt chunks) of all
/// live sequences go through the weights as one matrix per step. Dispose only when no generation is running.
/// </summary>
public sealed partial class LoadedModel : IDisposable
{
    private readonly GgufFile _file;
    private readonly ComputePool _pool;
    private readonly DecoderTransformer _transformer;
    private readonly StepScheduler _scheduler;
    private readonly SemaphoreSlim _sequenceSlots;
    private readonly EngineOptions _options;

    private LoadedModel(GgufFile file, ComputePool pool, DecoderTransformer transformer, ITokenizer tokenizer, ChatTemplate? template, string? templateError, ModelInfo info, EngineOptions options)
    {
        _file = file;
        _pool = pool;
        _transformer = transformer;
        _options = options;
        // Before each step: the mapped bytes themselves (truncated or rewritten in place would fault). A rename over the path does
        // not touch them, so running sequences finish on the old file (see FileReplaced).
        _scheduler = new StepScheduler(transformer, pool, file.EnsureMappingIntact, options.MaxConcurrentSequences, options.PrefillBatchTokens);
        _sequenceSlots = new SemaphoreSlim(options.MaxConcurrentSequences, options.MaxConcurrentSequences);
        Tokenizer = tokenizer;
        ChatTemplate = template;
        ChatTemplateError = templateError;
        Info = info;
    }

    public ModelInfo Info { get; }

    public ITokenizer Tokenizer { get; }

    /// <summary>The model's own chat template (<c>tokenizer.chat_template</c>), or null when it has none or it failed to parse.</summary>
    public ChatTemplate? ChatTemplate { get; }

    /// <summary>Why the model's chat template could not be used, or null.</summary>
    public string? ChatTemplateError { get; }

    public EngineOptions Options => _options;

    internal ModelHyperparameters Hyperparameters => _transformer.Hyperparameters;

    internal ComputePool Pool => _pool;

    internal StepScheduler Scheduler => _scheduler;

    /// <summary>Batching counters of this model's step scheduler since it was loaded.</summary>
    public SchedulerStatistics SchedulerStatistics => _scheduler.Statistics;

    /// <summary>Bytes of weights read from memory to decode one token.</summary>
    public long WeightBytesPerToken => _transformer.Weights.BytesReadPerToken;

    /// <summary>
    /// Maps the file, checks architecture, shapes and tensor types, builds the tokenizer and chat template.
    /// Throws <see cref="UnsupportedModelException"/> (unknown architecture or tensor type, listing the supported ones),
    /// <see cref="GgufFormatException"/>, <see cref="FileNotFoundException"/>.
    /// </summary>
    public static LoadedModel Load(string ggufPath, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var file = GgufFile.Open(ggufPath);
        ComputePool? pool = null;
        try
        {
            var architecture = ArchitectureRegistry.For(file);
            var hp = architecture.ReadHyperparameters(file);
            var weights = architecture.LoadWeights(file, hp);
            var tokenizer = TokenizerFactory.FromGguf(file);
            if (tokenizer.VocabularySize > hp.VocabularySize)
            {
                throw new UnsupportedModelException($"Model '{ggufPath}': the tokenizer has {tokenizer.VocabularySize} tokens but the embedding only {hp.VocabularySize} rows.") { FilePath = ggufPath };
            }
            var context = options.ContextLength > 0 ? options.ContextLength : Math.Min(hp.ContextLength, EngineOptions.DefaultContextCap);
            pool = new ComputePool(options.Threads);
            // A step holds a prompt chunk or one token of every live sequence, whichever is more.
            var batchTokens = Math.Max(options.PrefillBatchTokens, options.MaxConcurrentSequences);
            var transformer = new DecoderTransformer(hp, weights, pool, batchTokens, context);
            var (template, templateError) = ReadTemplate(file, options.ChatTemplateLimits);
            var info = new ModelInfo(file.FilePath, hp.Architecture, file.Tensors.Sum(t => t.ElementCount), context, hp.ContextLength, hp.EmbeddingLength, file.FileBytes, ModelFileType.Read(file));
            return new LoadedModel(file, pool, transformer, tokenizer, template, templateError, info, options);
        }
        catch
        {
            pool?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when the model's path no longer names the mapped file (a new file was renamed over it, or it was deleted). The mapping
    /// stays valid and this model keeps working; a server reloads to serve the new file.
    /// </summary>
    public bool FileReplaced => _file.IsReplacedOnDisk;

    /// <summary>Tokens in <paramref name="text"/> (no BOS; special-token text is not parsed).</summary>
    public int CountTokens(string text) => Tokenizer.Encode(text).Length;

    public void Dispose()
    {
        _scheduler.Dispose();
        _pool.Dispose();
        _file.Dispose();
        _sequenceSlots.Dispose();
    }

    /// <summary>Creates a KV cache for a sequence of up to <paramref name="capacityTokens"/> tokens.</summary>
    internal KvCache CreateCache(int capacityTokens) =>
        new(Hyperparameters.BlockCount, capacityTokens, Hyperparameters.KvDimension, _options.KvCacheType);

    /// <summary>
    /// A forward step on the calling thread, bypassing the scheduler: the caller must own the model exclusively (benchmarks,
    /// tests) — no sequence may be generating.
    /// </summary>
    internal void ForwardUnlocked(ReadOnlySpan<int> tokens, KvCache cache, Span<float> logits, Span<float> hidden)
    {
        _file.EnsureMappingIntact();
        _transformer.Forward(tokens, cache, logits, hidden);
    }

    /// <summary>A batched forward step of several sequences on the calling thread, bypassing the scheduler (exclusive owner only).</summary>
    internal void ForwardUnlocked(SequenceBatch batch)
    {
        _file.EnsureMappingIntact();
        _transformer.Forward(batch);
    }

    private static (ChatTemplate? Template, string? Error) ReadTemplate(GgufFile file, TemplateLimits limits)
    {
        var source = file.GetString(GgufNames.ChatTemplate);
        if (string.IsNullOrEmpty(source))
        {
            return (null, null);
        }
        try
        {
            return (ChatTemplate.Parse(source, ChatTemplateOptions.Default with { Limits = limits }), null);
        }
        catch (TemplateException e)
        {
            return (null, e.Message);
        }
    }
}
