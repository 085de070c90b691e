using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tests.Gguf;
using Hearth.Inference.Tokenizers;
using Xunit.Abstractions;

namespace Hearth.Inference.Tests.Tokenizers;

/// <summary>
/// Tokenizers built from mutated vocabulary GGUFs (every shared vocabulary and the Llama model's): construction either
/// succeeds or throws a typed error (<see cref="TokenizerFormatException"/>, <see cref="NotSupportedTokenizerException"/>, or
/// <see cref="GgufFormatException"/> for a key of the wrong type); a tokenizer that builds must encode and decode hostile
/// text without throwing and only emit ids inside its vocabulary. Each case is time-bounded (<see cref="FuzzHarness"/>).
/// </summary>
public sealed class TokenizerFuzzTests(ITestOutputHelper output)
{
    private const int BaseSeed = 20_260_301;
    private const int MutationCount = 400;

    private static readonly byte[] s_sample = [.. "Hello world! <|endoftext|> <s> naïve 世界 🦙 12345\n\t  x"u8, 0xFF, 0xC3, .. " end"u8];

    [Fact]
    public void FromGguf_FourHundredMutatedVocabularies_BuildOrThrowTypedErrors()
    {
        var corpus = GgufMutator.SharedCorpus();
        var bufferBytes = corpus.Max(c => c.Bytes.Length) * 2;
        var work = new[] { new byte[bufferBytes], new byte[bufferBytes] };
        int built = 0, rejected = 0, unparsable = 0;

        (SeedFile Seed, byte[] Buffer, int Length, string Description) Mutant(int i, byte[] buffer)
        {
            var random = new Random(BaseSeed + i);
            // Mostly the vocabularies, and the smaller ones more often (building a 100k-token BPE table costs the most).
            var seed = corpus[random.Next(3) == 0 ? random.Next(corpus.Count) : random.Next(Math.Min(4, corpus.Count))];
            var (mutated, length, description) = GgufMutator.Mutate(seed, random, buffer);
            return (seed, mutated, length, description);
        }

        var failures = FuzzHarness.Run(MutationCount, workers: 2, FuzzHarness.DefaultBound, (i, worker) =>
        {
            var (seed, buffer, length, description) = Mutant(i, work[worker]);
            try
            {
                return InMemoryGguf.Parse(buffer, length, WithFile);
            }
            catch (GgufFormatException)
            {
                // The GGUF parser rejected the file (its own fuzz test covers that); the tokenizer never saw it.
                Interlocked.Increment(ref unparsable);
                return null;
            }

            string? WithFile(GgufFile file)
            {
                ITokenizer tokenizer;
                try
                {
                    tokenizer = TokenizerFactory.FromGguf(file);
                }
                catch (Exception ex) when (ex is TokenizerFormatException or NotSupportedTokenizerException or GgufFormatException)
                {
                    Interlocked.Increment(ref rejected);
                    return string.IsNullOrWhiteSpace(ex.Message) ? $"mutant {i}: {ex.GetType().Name} without a message" : null;
                }
                Interlocked.Increment(ref built);
                foreach (var special in new[] { false, true })
                {
                    var ids = tokenizer.EncodeUtf8(s_sample, addBos: true, parseSpecialTokens: special);
                    if (ids.Any(id => (uint)id >= (uint)tokenizer.VocabularySize))
                    {
                        return $"mutant {i} ({seed.Name}: {description}): emitted an id outside the vocabulary of {tokenizer.VocabularySize}";
                    }
                    _ = tokenizer.DecodeToBytes(ids, renderSpecialTokens: special);
                    _ = tokenizer.Decode(ids);
                }
                _ = tokenizer.Encode(Encoding.UTF8.GetString(s_sample));
                return null;
            }
        }, i => Mutant(i, new byte[bufferBytes]).Description);

        output.WriteLine($"{MutationCount} vocabulary mutants: {built} built, {rejected} rejected by the tokenizer, {unparsable} rejected by the GGUF parser.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        Assert.Equal(MutationCount, built + rejected + unparsable);
        Assert.True(built > MutationCount / 10, $"only {built} tokenizers built; the mutations are too destructive to test encoding");
    }
}
