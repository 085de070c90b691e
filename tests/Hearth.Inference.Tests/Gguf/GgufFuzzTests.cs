using Hearth.Inference.Gguf;
using Xunit.Abstractions;

namespace Hearth.Inference.Tests.Gguf;

/// <summary>
/// Seeded mutation fuzzing of the real GGUF files in the shared data: every mutant must either load (and then survive
/// reading every metadata value and tensor) or throw <see cref="GgufFormatException"/>. Deterministic: mutant i uses seed
/// <c>BaseSeed + i</c>, so a failure message names a reproducible case. Each mutant has a wall-clock bound
/// (<see cref="FuzzHarness"/>): a parser hang fails the test naming the mutant instead of stalling it.
/// </summary>
public sealed class GgufFuzzTests(ITestOutputHelper output)
{
    private const int BaseSeed = 20_261_122;
    private const int MutationCount = 10_000;

    [Fact]
    public void Parse_TenThousandSeededMutations_LoadOrThrowFormatException()
    {
        var corpus = GgufMutator.SharedCorpus();
        var bufferBytes = corpus.Max(c => c.Bytes.Length) * 2;
        var work = new[] { new byte[bufferBytes], new byte[bufferBytes] };
        int loaded = 0, rejected = 0;

        (SeedFile Seed, byte[] Buffer, int Length, string Description) Mutant(int i, byte[] buffer)
        {
            var random = new Random(BaseSeed + i);
            var seed = corpus[GgufMutator.PickSeedFile(random, corpus.Count)];
            var (mutated, length, description) = GgufMutator.Mutate(seed, random, buffer);
            return (seed, mutated, length, description);
        }

        var failures = FuzzHarness.Run(MutationCount, workers: 2, FuzzHarness.DefaultBound, (i, worker) =>
        {
            var (seed, buffer, length, description) = Mutant(i, work[worker]);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                InMemoryGguf.Parse(buffer, length, InMemoryGguf.TouchEverything);
                Interlocked.Increment(ref loaded);
                return CheckAllocation(i, seed.Name, description, length, allocatedBefore);
            }
            catch (GgufFormatException ex)
            {
                Interlocked.Increment(ref rejected);
                if (ex.Offset < 0 || ex.Offset > length || string.IsNullOrEmpty(ex.Field))
                {
                    return $"mutant {i} ({seed.Name}: {description}): bad error position {ex.Field} @{ex.Offset}";
                }
                return CheckAllocation(i, seed.Name, description, length, allocatedBefore);
            }
#pragma warning disable CA1031 // the point of the test is to catch every other exception type
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return $"mutant {i} ({seed.Name}: {description}): {ex.GetType().Name}: {ex.Message}";
            }
        }, i => Mutant(i, new byte[bufferBytes]).Description);

        output.WriteLine($"{MutationCount} mutants: {loaded} loaded, {rejected} rejected with GgufFormatException.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        Assert.Equal(MutationCount, loaded + rejected);
        Assert.True(rejected > MutationCount / 4, $"only {rejected} mutants were rejected; the mutations are not reaching the parser");
        Assert.True(loaded > MutationCount / 50, $"only {loaded} mutants loaded; the mutations are too destructive to explore deep fields");
    }

    /// <summary>
    /// Parsing and touching every value may allocate at most <see cref="MaxAllocationPerFileByte"/> managed bytes per file
    /// byte (plus 1 MiB): a count or length the parser failed to bound shows up here even when the huge allocation itself
    /// succeeds (the OS commits zeroed pages lazily). The unmutated shared files need 2.4 to 5.9.
    /// </summary>
    private const int MaxAllocationPerFileByte = 16;

    private static string? CheckAllocation(int i, string file, string description, int length, long before)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return allocated > (long)length * MaxAllocationPerFileByte + (1 << 20)
            ? $"mutant {i} ({file}: {description}): parsing {length} bytes allocated {allocated} bytes"
            : null;
    }

    [Fact]
    public void Parse_UnmutatedSharedFiles_StayWithinAllocationBound()
    {
        foreach (var seed in GgufMutator.SharedCorpus())
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            InMemoryGguf.Parse(seed.Bytes, InMemoryGguf.TouchEverything);
            var perByte = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / seed.Bytes.Length;
            output.WriteLine($"{seed.Name}: {perByte:F1} bytes allocated per file byte");
            Assert.InRange(perByte, 0.5, MaxAllocationPerFileByte);
        }
    }
}
