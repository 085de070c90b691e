namespace Hearth.Inference.Engine;

/// <summary>
/// The model computed no usable logits (every one NaN, or NaN where the rest are masked): its weights are corrupt or its
/// activations overflowed. Nothing can be sampled; the model file should be replaced.
/// </summary>
public sealed class ModelOutputException : Exception
{
    public ModelOutputException()
        : base("The model produced NaN logits: its weights are corrupt or its activations overflowed. Replace the model file.")
    {
    }

    public ModelOutputException(string message)
        : base(message)
    {
    }

    public ModelOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
