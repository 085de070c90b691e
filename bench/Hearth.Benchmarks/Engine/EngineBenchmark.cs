using System.Diagnostics;
using Hearth.Inference.Engine;
using Hearth.Inference.Engine.Sampling;
using Hearth.Inference.Kernels;
using Hearth.Inference.Models;

namespace Hearth.Benchmarks.Engine;

/// <summary>
/// End-to-end engine speed: prefill tok/s (one batched forward of the prompt) and decode tok/s (greedy, one token per step),
/// after warm-up, as the median of several runs; plus the peak resident memory while generating against the memory bar
/// (file + KV cache + 64 MiB), measured streaming-read bandwidth and the roofline.
/// Prompt tokens are drawn from a fixed-seed generator over the vocabulary. The model must not be generating concurrently.
/// </summary>
public static class EngineBenchmark
{
    public static EngineBenchmarkResult Run(LoadedModel model, EngineBenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var needed = options.PromptTokens + options.GenerateTokens;
        if (needed > model.Info.ContextLength)
        {
            throw new ContextOverflowException(needed, model.Info.ContextLength);
        }
        var vocabulary = model.Hyperparameters.VocabularySize;
        var random = new SeededRandom(20260115);
        var prompt = new int[options.PromptTokens];
        for (var i = 0; i < prompt.Length; i++)
        {
            prompt[i] = (int)(random.NextUInt64() % (ulong)vocabulary);
        }
        var logits = new float[vocabulary];
        var prefill = new List<double>();
        var decode = new List<double>();
        var prefillCpu = new List<double>();
        var decodeCpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        var cache = model.CreateCache(needed);   // one cache reused by every run: no dead caches inflate the working set
        var memory = ResidentMemory.StartWindow();
        for (var run = 0; run < options.WarmupRuns + options.Runs; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            cache.Length = 0;
            var cpuStart = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            model.ForwardUnlocked(prompt, cache, logits, default);
            var prefillSeconds = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var cpuMiddle = process.TotalProcessorTime;
            var next = new int[1];
            watch.Restart();
            for (var i = 0; i < options.GenerateTokens; i++)
            {
                next[0] = Sampler.ArgMax(logits);
                model.ForwardUnlocked(next, cache, logits, default);
            }
            var decodeSeconds = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var cpuEnd = process.TotalProcessorTime;
            if (run >= options.WarmupRuns)
            {
                prefill.Add(options.PromptTokens / prefillSeconds);
                decode.Add(options.GenerateTokens / decodeSeconds);
                prefillCpu.Add(options.PromptTokens / Math.Max(1e-9, (cpuMiddle - cpuStart).TotalSeconds));
                decodeCpu.Add(options.GenerateTokens / Math.Max(1e-9, (cpuEnd - cpuMiddle).TotalSeconds));
            }
        }
        var peakResident = memory.PeakBytes();   // before the bandwidth probe allocates its buffer
        var bandwidth = MemoryBandwidth.MeasureStreamingReadBytesPerSecond(model.Pool, options.BandwidthProbeDuration);
        return new EngineBenchmarkResult
        {
            ModelId = model.Info.Id,
            QuantizationType = model.Info.QuantizationLabel,
            Threads = model.Pool.ThreadCount,
            PromptTokens = options.PromptTokens,
            GenerateTokens = options.GenerateTokens,
            Runs = options.Runs,
            PrefillTokensPerSecond = Median(prefill),
            DecodeTokensPerSecond = Median(decode),
            PrefillTokensPerSecondRuns = prefill,
            DecodeTokensPerSecondRuns = decode,
            PrefillTokensPerCpuSecond = Median(prefillCpu),
            DecodeTokensPerCpuSecond = Median(decodeCpu),
            PeakResidentBytes = peakResident,
            PeakResidentMethod = memory.Method,
            FileBytes = model.Info.FileBytes,
            KvCacheBytes = cache.Bytes,
            KvCacheLayers = cache.Layers,
            KvCachePositions = cache.CapacityTokens,
            KvCacheDimension = cache.KvDim,
            KvCacheElementBytes = cache.ElementType == KvCacheElementType.F32 ? 4 : 2,
            MemoryBandwidthBytesPerSecond = bandwidth,
            WeightBytesPerToken = model.WeightBytesPerToken,
        };
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
