namespace Hearth.Routing.Learning;

/// <summary>What a trained router sees.</summary>
public enum RouterKind
{
    /// <summary>The prompt only: decides before any model runs.</summary>
    Predictive = 1,

    /// <summary>The prompt and the small model's answer: the cascade's learned verifier.</summary>
    Cascade = 2,
}
