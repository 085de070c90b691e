using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Import;
using Hearth.Inference.Models;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;
using Xunit.Abstractions;

namespace Hearth.Inference.Tests.Gguf;

/// <summary>
/// Seeded mutants written to real files and opened the way the engine opens models: through the memory-mapped
/// <see cref="GgufFile.Open"/> (every mutant must open and survive reading everything, or throw
/// <see cref="GgufFormatException"/>), and through <see cref="LoadedModel.Load"/> (load and run a step, or throw a typed
/// model/tokenizer/format error; weights mutated into NaN give <see cref="ModelOutputException"/> when sampling). Bounded in count, and each mutant in time (<see cref="FuzzHarness"/>).
/// </summary>
public sealed class GgufMappedFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int BaseSeed = 20_261_215;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The two model files (the random llama and stories260K, imported) and one small vocabulary.</summary>
    private List<SeedFile> ModelCorpus()
    {
        var stories = _dir.File("stories260K.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), stories);
        return
        [
            GgufMutator.Seed(stories),
            GgufMutator.Seed(TestData.File("models/gguf/llama-2-tiny-random.gguf")),
            GgufMutator.Seed(TestData.File("tokenizers/vocab/ggml-vocab-llama-spm.gguf")),
        ];
    }

    private static (SeedFile Seed, byte[] Buffer, int Length, string Description) Mutant(List<SeedFile> corpus, int baseSeed, int i, byte[] work)
    {
        var random = new Random(baseSeed + i);
        var seed = corpus[random.Next(4) switch { 0 or 1 => 0, 2 => 1, _ => 2 } % corpus.Count];
        var (buffer, length, description) = GgufMutator.Mutate(seed, random, work);
        return (seed, buffer, length, description);
    }

    private static void Write(string path, byte[] buffer, int length)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete);
        stream.Write(buffer, 0, length);
    }

    [Fact]
    public void Open_FiveHundredMutantFiles_OpenOrThrowFormatException()
    {
        const int count = 500;
        var corpus = ModelCorpus();
        var bufferBytes = corpus.Max(c => c.Bytes.Length) * 2;
        var work = new[] { new byte[bufferBytes], new byte[bufferBytes] };
        int opened = 0, rejected = 0;

        var failures = FuzzHarness.Run(count, workers: 2, FuzzHarness.DefaultBound, (i, worker) =>
        {
            var (seed, buffer, length, description) = Mutant(corpus, BaseSeed, i, work[worker]);
            var path = _dir.File($"mutant-{worker}.gguf");
            Write(path, buffer, length);
            try
            {
                using var file = GgufFile.Open(path);
                file.EnsureIntact();
                InMemoryGguf.TouchEverything(file);
                Interlocked.Increment(ref opened);
                return file.FileBytes == length ? null : $"mutant {i} ({seed.Name}: {description}): mapped {file.FileBytes} of {length} bytes";
            }
            catch (GgufFormatException ex)
            {
                Interlocked.Increment(ref rejected);
                return ex.Offset < 0 || ex.Offset > length || string.IsNullOrEmpty(ex.Field) || ex.FilePath != path
                    ? $"mutant {i} ({seed.Name}: {description}): bad error position {ex.Field} @{ex.Offset} in '{ex.FilePath}'"
                    : null;
            }
            catch (Exception ex) when (ex is not GgufFormatException)
            {
                return $"mutant {i} ({seed.Name}: {description}): {ex.GetType().Name}: {ex.Message}";
            }
        }, i => Mutant(corpus, BaseSeed, i, new byte[bufferBytes]).Description);

        output.WriteLine($"{count} mapped mutants: {opened} opened, {rejected} rejected with GgufFormatException.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        Assert.Equal(count, opened + rejected);
        Assert.True(rejected > count / 4 && opened > count / 50, $"{opened} opened, {rejected} rejected: the mutations are not exploring");
    }

    [Fact]
    public void Load_ThreeHundredMutantModels_LoadAndRunOrThrowTypedErrors()
    {
        const int count = 300;
        var corpus = ModelCorpus()[..2];
        var bufferBytes = corpus.Max(c => c.Bytes.Length) * 2;
        var work = new[] { new byte[bufferBytes], new byte[bufferBytes] };
        int ran = 0, rejected = 0;

        var failures = FuzzHarness.Run(count, workers: 2, FuzzHarness.DefaultBound, (i, worker) =>
        {
            var (seed, buffer, length, description) = Mutant(corpus, BaseSeed + 7919, i, work[worker]);
            var path = _dir.File($"model-{worker}.gguf");
            Write(path, buffer, length);
            try
            {
                using var model = LoadedModel.Load(path, new EngineOptions { Threads = 1, ContextLength = 8, MaxConcurrentSequences = 1 });
                var start = model.Tokenizer.BosTokenId is >= 0 and var bos && bos < model.Tokenizer.VocabularySize ? bos : 0;
                var request = new GenerationRequest { PromptTokens = [start], MaxTokens = 2, Sampling = SamplingOptions.Greedy };
                var tokens = model.GenerateAsync(request, CancellationToken.None).ToBlockingEnumerable().Count();
                Interlocked.Increment(ref ran);
                return tokens is >= 1 and <= 2 ? null : $"mutant {i} ({seed.Name}: {description}): generated {tokens} tokens";
            }
            catch (Exception ex) when (ex is GgufFormatException or UnsupportedModelException or TokenizerFormatException or NotSupportedTokenizerException
                or ModelOutputException)
            {
                Interlocked.Increment(ref rejected);
                return string.IsNullOrWhiteSpace(ex.Message) ? $"mutant {i}: {ex.GetType().Name} without a message" : null;
            }
            catch (Exception ex)
            {
                return $"mutant {i} ({seed.Name}: {description}): {ex.GetType().Name}: {ex.Message}";
            }
        }, i => Mutant(corpus, BaseSeed + 7919, i, new byte[bufferBytes]).Description);

        output.WriteLine($"{count} model mutants: {ran} loaded and generated, {rejected} rejected with a typed error.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        Assert.Equal(count, ran + rejected);
        Assert.True(ran > count / 50, $"only {ran} mutants loaded; the mutations are too destructive");
    }
}
