namespace Hearth.Inference.Engine;

/// <summary>Why a generation ended.</summary>
public enum FinishReason
{
    /// <summary>The model produced an end-of-generation token, or a stop string was reached.</summary>
    Stop,

    /// <summary>The token budget (<see cref="GenerationRequest.MaxTokens"/>) or the context window was exhausted.</summary>
    Length,
}
