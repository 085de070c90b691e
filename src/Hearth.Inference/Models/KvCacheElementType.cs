namespace Hearth.Inference.Models;

/// <summary>Element type of the key/value cache.</summary>
public enum KvCacheElementType
{
    /// <summary>32-bit floats: exact, 4 bytes per element.</summary>
    F32,

    /// <summary>IEEE half floats: half the memory, keys and values rounded to 11 significant bits.</summary>
    F16,
}
