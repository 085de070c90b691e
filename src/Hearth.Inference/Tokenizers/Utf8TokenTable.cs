using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Token id lookup keyed by UTF-8 bytes, without allocating per lookup (SentencePiece merges test every adjacent
/// pair). Open addressing over a power-of-two table at most half full; the hash is seeded per table so crafted
/// input cannot predict collisions. Later duplicates of a piece win, as in llama.cpp's <c>token_to_id</c>.
/// </summary>
internal sealed class Utf8TokenTable
{
    private readonly byte[] _blob;
    private readonly int[] _offsets;   // token id -> start in _blob; _offsets[id + 1] is the end
    private readonly int[] _slots;     // -1 empty, else token id
    private readonly int _mask;
    private readonly uint _seed;

    public Utf8TokenTable(IReadOnlyList<string> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        _offsets = new int[pieces.Count + 1];
        var total = 0L;
        for (var i = 0; i < pieces.Count; i++)
        {
            total += Encoding.UTF8.GetByteCount(pieces[i]);
        }
        _blob = new byte[checked((int)total)];
        var at = 0;
        for (var i = 0; i < pieces.Count; i++)
        {
            _offsets[i] = at;
            at += Encoding.UTF8.GetBytes(pieces[i], _blob.AsSpan(at));
        }
        _offsets[pieces.Count] = at;

        var capacity = 16;
        while (capacity < pieces.Count * 2)
        {
            capacity <<= 1;
        }
        _slots = new int[capacity];
        Array.Fill(_slots, -1);
        _mask = capacity - 1;
        _seed = (uint)Random.Shared.Next() | 1u;
        for (var id = 0; id < pieces.Count; id++)
        {
            Insert(id);
        }
    }

    /// <summary>The UTF-8 bytes of a token.</summary>
    public ReadOnlySpan<byte> Bytes(int id) => _blob.AsSpan(_offsets[id], _offsets[id + 1] - _offsets[id]);

    /// <summary>Finds the id of a piece given as UTF-8 bytes.</summary>
    public bool TryGetId(ReadOnlySpan<byte> key, out int id)
    {
        var slot = (int)(Hash(key) & (uint)_mask);
        while (true)
        {
            var candidate = _slots[slot];
            if (candidate < 0)
            {
                id = -1;
                return false;
            }
            if (Bytes(candidate).SequenceEqual(key))
            {
                id = candidate;
                return true;
            }
            slot = (slot + 1) & _mask;
        }
    }

    private void Insert(int id)
    {
        var key = Bytes(id);
        var slot = (int)(Hash(key) & (uint)_mask);
        while (true)
        {
            var candidate = _slots[slot];
            if (candidate < 0)
            {
                _slots[slot] = id;
                return;
            }
            if (Bytes(candidate).SequenceEqual(key))
            {
                _slots[slot] = id; // later duplicate wins
                return;
            }
            slot = (slot + 1) & _mask;
        }
    }

    private uint Hash(ReadOnlySpan<byte> key)
    {
        // FNV-1a style over 4-byte words, seeded, with a final avalanche.
        var h = 2166136261u ^ _seed;
        var words = MemoryMarshal.Cast<byte, uint>(key);
        foreach (var w in words)
        {
            h = (h ^ w) * 16777619u;
            h ^= h >> 15;
        }
        for (var i = words.Length * 4; i < key.Length; i++)
        {
            h = (h ^ key[i]) * 16777619u;
        }
        h ^= (uint)key.Length;
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return h;
    }
}
