using System.Buffers.Binary;
using Hearth.Inference.Gguf;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Gguf;

/// <summary>A GGUF file to mutate, with the offsets of its length, count and type fields.</summary>
internal sealed record SeedFile(string Name, byte[] Bytes, long[] FieldOffsets, long HeaderEnd);

/// <summary>
/// Seeded GGUF mutations (bit flips, boundary values over length/count/type fields, truncations, chunk duplication and
/// deletion) of real files, shared by the in-memory, memory-mapped and tokenizer fuzz tests.
/// </summary>
internal static class GgufMutator
{
    private static readonly ulong[] s_boundaryValues =
    [
        0, 1, 2, 3, 4, 5, 8, 9, 12, 13, 31, 32, 33, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x1_0000,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001,
        (1UL << 62), 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
    ];

    /// <summary>The shared model file and every shared vocabulary file (sorted), with their field offsets.</summary>
    public static List<SeedFile> SharedCorpus()
    {
        var paths = new List<string> { TestData.File("models/gguf/llama-2-tiny-random.gguf") };
        paths.AddRange(Directory.GetFiles(TestData.File("tokenizers/vocab"), "*.gguf").OrderBy(p => p, StringComparer.Ordinal));
        return [.. paths.Select(Seed)];
    }

    /// <summary>One file as a seed.</summary>
    public static SeedFile Seed(string path)
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
        return new SeedFile(Path.GetFileName(path), bytes, fields, headerEnd);
    }

    // About 5/8 of the mutants come from the model file (the only one with tensor infos and data), 1/4 spread over every
    // vocabulary file and 1/8 over the last three (phi-3, refact, starcoder), so every tokenizer layout is exercised
    // without parsing the 4 MB files 10,000 times.
    public static int PickSeedFile(Random random, int count) => random.Next(4) switch
    {
        0 or 1 => 0,
        2 => 1 + random.Next(count - 1),
        _ => random.Next(2) == 0 ? 0 : count - 1 - random.Next(Math.Min(3, count - 1)),
    };

    public static (byte[] Buffer, int Length, string Description) Mutate(SeedFile seed, Random random, byte[] work)
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
