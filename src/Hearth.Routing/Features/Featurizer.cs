namespace Hearth.Routing.Features;

/// <summary>
/// Turns a prompt (and, for the cascade, the small model's answer) into features: hashed word unigrams and bigrams
/// (namespaced: prompt, question stem, answer), scaled to unit length, plus the designed dense signals.
/// Deterministic: the hash is stable across processes.
/// </summary>
internal sealed class Featurizer
{
    /// <summary>Prompt tokens read per request (bounds work on hostile input).</summary>
    public const int MaxTokens = 2048;

    public Featurizer(int hashBits, bool useAnswer)
    {
        if (hashBits is < 8 or > 24)
        {
            throw new ArgumentOutOfRangeException(nameof(hashBits), hashBits, "Hash bits must be in 8..24.");
        }
        HashBits = hashBits;
        UseAnswer = useAnswer;
    }

    public int HashBits { get; }

    public bool UseAnswer { get; }

    public int HashSize => 1 << HashBits;

    public int DenseCount => PromptSignals.Count + (UseAnswer ? AnswerSignals.Count : 0);

    public FeatureVector Featurize(string prompt, string? answer)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var mask = (uint)(HashSize - 1);
        var counts = new Dictionary<int, float>();
        var words = TextTokens.Words(prompt, MaxTokens);
        AddGrams(counts, "u", "b", words, mask);
        AddStem(counts, prompt, mask);
        var dense = new double[DenseCount];
        PromptSignals.Compute(prompt, words, dense.AsSpan(0, PromptSignals.Count));
        if (UseAnswer)
        {
            var a = answer ?? string.Empty;
            AddGrams(counts, "r", "rb", TextTokens.Words(a, MaxTokens), mask);
            AnswerSignals.Compute(prompt, a, dense.AsSpan(PromptSignals.Count, AnswerSignals.Count));
        }
        var indices = new int[counts.Count];
        var values = new float[counts.Count];
        double norm = 0;
        foreach (var v in counts.Values)
        {
            norm += v * v;
        }
        var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        int k = 0;
        foreach (var (index, value) in counts)
        {
            indices[k] = index;
            values[k] = value * scale;
            k++;
        }
        Array.Sort(indices, values);
        return new FeatureVector(indices, values, dense);
    }

    private static void AddGrams(Dictionary<int, float> counts, string uniNs, string biNs, List<string> words, uint mask)
    {
        for (int i = 0; i < words.Count; i++)
        {
            Set(counts, (int)(StableHash.Of(uniNs, words[i]) & mask));
            if (i + 1 < words.Count)
            {
                Set(counts, (int)(StableHash.Of(biNs, words[i], words[i + 1]) & mask));
            }
        }
    }

    // The question stem: the first three words of the last non-empty line before any answer options.
    private static void AddStem(Dictionary<int, float> counts, string prompt, uint mask)
    {
        var tail = prompt.Length > 4096 ? prompt[^4096..] : prompt;
        string? stem = null;
        foreach (var line in tail.Split('\n'))
        {
            var t = line.Trim();
            if (t.Length == 0 || (t.Length > 1 && t[0] is >= 'A' and <= 'J' && t[1] is '.' or ')') || t.StartsWith("Answer", StringComparison.Ordinal))
            {
                continue;
            }
            stem = t;
        }
        if (stem is null)
        {
            return;
        }
        var lastSentence = stem.LastIndexOf(". ", StringComparison.Ordinal);
        var words = TextTokens.Words(lastSentence >= 0 ? stem[(lastSentence + 2)..] : stem, 3);
        if (words.Count > 0)
        {
            Set(counts, (int)(StableHash.Of("q", string.Join(' ', words)) & mask));
            Set(counts, (int)(StableHash.Of("q1", words[0]) & mask));
        }
    }

    private static void Set(Dictionary<int, float> counts, int index) => counts[index] = 1f;
}
