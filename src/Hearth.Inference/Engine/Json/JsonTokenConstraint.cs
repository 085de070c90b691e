namespace Hearth.Inference.Engine.Json;

/// <summary>
/// Masks every token whose bytes would make the output so far stop being a prefix of one JSON object (and every token that
/// renders no text, including end-of-generation: generation ends when the object closes). When the remaining token budget
/// gets close to the bytes still needed to close every open string and container, only tokens that bring completion closer
/// stay allowed, so the object can always be finished within the budget when single-character tokens exist. Not thread-safe.
/// </summary>
internal sealed class JsonTokenConstraint(JsonTokenTable table)
{
    private const int SteeringSlackTokens = 2;
    private JsonGrammarState _state;

    /// <summary>True once the top-level object has closed.</summary>
    public bool IsComplete => _state.IsComplete;

    /// <summary>The output so far, for diagnostics.</summary>
    internal JsonGrammarState State => _state;

    /// <summary>Sets the logit of every disallowed token to negative infinity.</summary>
    public void Mask(Span<float> logits, int remainingTokens)
    {
        var tokens = table.TokenBytes;
        var distance = _state.BytesToFinish();
        var steer = remainingTokens <= distance + SteeringSlackTokens;
        var count = Math.Min(logits.Length, tokens.Length);
        logits[count..].Fill(float.NegativeInfinity);

        List<int>? stalling = steer ? [] : null;
        var anyProgress = false;
        for (var id = 0; id < count; id++)
        {
            if (logits[id] == float.NegativeInfinity)
            {
                continue;
            }
            var bytes = tokens[id];
            var next = _state;
            if (bytes.Length == 0 || !next.Accept(bytes))
            {
                logits[id] = float.NegativeInfinity;
            }
            else if (steer)
            {
                if (next.BytesToFinish() < distance)
                {
                    anyProgress = true;
                }
                else
                {
                    stalling!.Add(id);
                }
            }
        }
        if (anyProgress)
        {
            // Budget is short: keep only the tokens that move towards completion.
            foreach (var id in stalling!)
            {
                logits[id] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>Advances the grammar over the chosen token's bytes.</summary>
    public void Accept(int tokenId)
    {
        var bytes = (uint)tokenId < (uint)table.TokenBytes.Length ? table.TokenBytes[tokenId] : [];
        if (!_state.Accept(bytes))
        {
            throw new InvalidOperationException($"Token {tokenId} is not valid JSON here; it should have been masked.");
        }
    }
}
