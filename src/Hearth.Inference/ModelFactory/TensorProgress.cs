using Hearth.Inference.Gguf;

namespace Hearth.Inference.ModelFactory;

/// <summary>Reported as each tensor starts being written (index is 0-based).</summary>
public sealed record TensorProgress(int Index, int Count, string Name, GgmlType Type, long Bytes);
