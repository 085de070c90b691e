using System.Buffers.Binary;
using System.Collections.Concurrent;
using Hearth.Inference.Gguf;
using Hearth.TestSupport;
using Xunit.Abstractions;

namespace Hearth.Inference.Tests.Gguf;

/// <summary>
/// Seeded mutation fuzzing of the real GGUF files in the shared data: every mutant must either load (and then survive
/// reading every metadata value and tensor) or throw <see cref="GgufFormatException"/>. Deterministic: mutant i uses seed
/// <c>BaseSeed + i</c>, so a failure message names a reproducible case.
/// </summary>
public sealed class GgufFuzzTests(ITestOutputHelper output)
{
    private const int BaseSeed = 20_261_122;
    private const int MutationCount = 10_000;

    private static readonly ulong[] s_boundaryValues =
    [
        0, 1, 2, 3, 4, 5, 8, 9, 12, 13, 31, 32, 33, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x1_0000,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001,
        (1UL << 62), 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
    ];

    [Fact]
    public void Parse_TenThousandSeededMutations_LoadOrThrowFormatException()
    {
        var corpus = LoadCorpus();
        var failures = new ConcurrentQueue<string>();
        int loaded = 0, rejected = 0;

        Parallel.For(0, MutationCount, new ParallelOptions { MaxDegreeOfParallelism = 2 }, () => new byte[corpus.Max(c => c.Bytes.Length) * 2], (i, _, work) =>
        {
            var random = new Random(BaseSeed + i);
            var seed = corpus[PickSeedFile(random, corpus.Count)];
            var (buffer, length, description) = Mutate(seed, random, work);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                InMemoryGguf.Parse(buffer, length, InMemoryGguf.TouchEverything);
                CheckAllocation(i, seed.Name, description, length, allocatedBefore, failures);
                Interlocked.Increment(ref loaded);
            }
            catch (GgufFormatException ex)
            {
                CheckAllocation(i, seed.Name, description, length, allocatedBefore, failures);
                Interlocked.Increment(ref rejected);
                if (ex.Offset < 0 || ex.Offset > length || string.IsNullOrEmpty(ex.Field))
                {
                    failures.Enqueue($"mutant {i} ({seed.Name}: {description}): bad error position {ex.Field} @{ex.Offset}");
                }
            }
#pragma warning disable CA1031 // the point of the test is to catch every other exception type
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Enqueue($"mutant {i} ({seed.Name}: {description}): {ex.GetType().Name}: {ex.Message}");
            }
            return work;
        }, _ => { });

        output.WriteLine($"{MutationCount} mutants: {loaded} loaded, {rejected} rejected with GgufFormatException.");
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(20)));
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

    private static void CheckAllocation(int i, string file, string description, int length, long before, ConcurrentQueue<string> failures)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > (long)length * MaxAllocationPerFileByte + (1 << 20))
        {
            failures.Enqueue($"mutant {i} ({file}: {description}): parsing {length} bytes allocated {allocated} bytes");
        }
    }

    [Fact]
    public void Parse_UnmutatedSharedFiles_StayWithinAllocationBound()
    {
        foreach (var seed in LoadCorpus())
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            InMemoryGguf.Parse(seed.Bytes, InMemoryGguf.TouchEverything);
            var perByte = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / seed.Bytes.Length;
            output.WriteLine($"{seed.Name}: {perByte:F1} bytes allocated per file byte");
            Assert.InRange(perByte, 0.5, MaxAllocationPerFileByte);
        }
    }

    private sealed record SeedFile(string Name, byte[] Bytes, long[] FieldOffsets, long HeaderEnd);

    private static List<SeedFile> LoadCorpus()
    {
        var paths = new List<string> { TestData.File("models/gguf/llama-2-tiny-random.gguf") };
        paths.AddRange(Directory.GetFiles(TestData.File("tokenizers/vocab"), "*.gguf").OrderBy(p => p, StringComparer.Ordinal));
        var corpus = new List<SeedFile>();
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(path);
            var (fields, headerEnd) = InMemoryGguf.Parse(bytes, f =>
            {
                // Offsets where a length, count or type id lives: value type ids, array element types and counts,
                // tensor-info name lengths; mutating exactly there exercises the bound checks.
                var offsets = new List<long> { 8, 16 };
                foreach (var m in f.Metadata)
                {
                    offsets.Add(m.Offset - 4);
                    offsets.Add(m.Offset);
                    if (m.Value.Type == GgufValueType.Array)
                    {
                        offsets.Add(m.Offset + 4);
                    }
                }
                offsets.AddRange(f.TensorInfoOffsets);
                foreach (var t in f.TensorInfoOffsets)
                {
                    offsets.Add(t + 8 + 17);   // inside a typical tensor-info name/dims area
                }
                return (offsets.ToArray(), f.Tensors.Count > 0 ? f.DataOffset : Math.Min(f.DataOffset, bytes.Length));
            });
            corpus.Add(new SeedFile(Path.GetFileName(path), bytes, fields, headerEnd));
        }
        return corpus;
    }

    // About 5/8 of the mutants come from the model file (the only one with tensor infos and data), 1/4 spread over every
    // vocabulary file and 1/8 over the last three (phi-3, refact, starcoder), so every tokenizer layout is exercised
    // without parsing the 4 MB files 10,000 times.
    private static int PickSeedFile(Random random, int count) => random.Next(4) switch
    {
        0 or 1 => 0,
        2 => 1 + random.Next(count - 1),
        _ => random.Next(2) == 0 ? 0 : count - 1 - random.Next(Math.Min(3, count - 1)),
    };

    private static (byte[] Buffer, int Length, string Description) Mutate(SeedFile seed, Random random, byte[] work)
    {
        var source = seed.Bytes;
        var op = random.Next(100);
        if (op < 12)
        {
            // Truncation, mostly inside the header/metadata region.
            var cut = (int)(random.Next(3) == 0 ? random.NextInt64(source.Length) : random.NextInt64(Math.Min(source.Length, seed.HeaderEnd + 1)));
            source.AsSpan(0, cut).CopyTo(work);
            return (work, cut, $"truncate to {cut}");
        }
        if (op < 20)
        {
            var start = Position(seed, random);
            var count = 1 + random.Next(random.Next(2) == 0 ? 16 : 4096);
            count = Math.Min(count, source.Length - start);
            var at = Position(seed, random);
            if (random.Next(2) == 0)
            {
                // Duplicate [start, start+count) at `at`.
                source.AsSpan(0, at).CopyTo(work);
                source.AsSpan(start, count).CopyTo(work.AsSpan(at));
                source.AsSpan(at).CopyTo(work.AsSpan(at + count));
                return (work, source.Length + count, $"duplicate {count} bytes from {start} at {at}");
            }
            source.AsSpan(0, start).CopyTo(work);
            source.AsSpan(start + count).CopyTo(work.AsSpan(start));
            return (work, source.Length - count, $"delete {count} bytes at {start}");
        }

        source.CopyTo(work, 0);
        var length = source.Length;
        var mutations = 1 + (random.Next(4) == 0 ? random.Next(8) : 0);
        var description = new List<string>();
        for (var m = 0; m < mutations; m++)
        {
            var kind = random.Next(100);
            if (kind < 35)
            {
                var pos = Position(seed, random);
                var bit = random.Next(8);
                work[pos] ^= (byte)(1 << bit);
                description.Add($"flip bit {bit} at {pos}");
            }
            else if (kind < 80)
            {
                // A boundary value written over a length/count/type field (or anywhere), as u8/u32/u64.
                var pos = random.Next(3) != 0 ? (int)seed.FieldOffsets[random.Next(seed.FieldOffsets.Length)] : Position(seed, random);
                var value = random.Next(5) == 0 ? (ulong)random.NextInt64() : s_boundaryValues[random.Next(s_boundaryValues.Length)];
                var width = random.Next(3) switch { 0 => 1, 1 => 4, _ => 8 };
                if (pos < 0 || pos + width > length)
                {
                    continue;
                }
                switch (width)
                {
                    case 1: work[pos] = (byte)value; break;
                    case 4: BinaryPrimitives.WriteUInt32LittleEndian(work.AsSpan(pos), (uint)value); break;
                    default: BinaryPrimitives.WriteUInt64LittleEndian(work.AsSpan(pos), value); break;
                }
                description.Add($"write u{width * 8} 0x{value:X} at {pos}");
            }
            else
            {
                var pos = Position(seed, random);
                var count = Math.Min(1 + random.Next(32), length - pos);
                random.NextBytes(work.AsSpan(pos, count));
                description.Add($"random {count} bytes at {pos}");
            }
        }
        return (work, length, string.Join("; ", description));
    }

    /// <summary>A byte position: 45% in the first 512 bytes, 40% in the header/metadata/tensor-info region, 15% anywhere.</summary>
    private static int Position(SeedFile seed, Random random)
    {
        var length = seed.Bytes.Length;
        var roll = random.Next(100);
        var limit = roll < 45 ? Math.Min(512, length) : roll < 85 ? (int)Math.Min(length, Math.Max(1, seed.HeaderEnd)) : length;
        return random.Next(limit);
    }
}
