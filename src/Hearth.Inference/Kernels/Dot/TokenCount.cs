namespace Hearth.Inference.Kernels;

/// <summary>
/// A compile-time token count for multi-token kernels: the JIT specialises a generic kernel per struct argument, so
/// <c>if (TCount.Value &gt; 2)</c> folds away and one source serves 1–4 tokens with every accumulator in a register.
/// </summary>
internal interface ITokenCount
{
    static abstract int Value { get; }
}

internal readonly struct OneToken : ITokenCount { public static int Value => 1; }

internal readonly struct TwoTokens : ITokenCount { public static int Value => 2; }

internal readonly struct ThreeTokens : ITokenCount { public static int Value => 3; }

internal readonly struct FourTokens : ITokenCount { public static int Value => 4; }
