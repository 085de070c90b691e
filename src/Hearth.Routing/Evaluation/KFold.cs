namespace Hearth.Routing.Evaluation;

/// <summary>
/// Seeded, stratified k-fold split. Examples with the same prompt text always fall in the same fold (so train and test
/// never share a prompt); strata are the four (weak good, strong good) outcomes, dealt round-robin after a seeded shuffle.
/// </summary>
public static class KFold
{
    /// <summary>Fold index (0..k−1) of every example.</summary>
    public static int[] Assign(IReadOnlyList<RoutingExample> examples, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "At least 2 folds are needed.");
        }
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var groupOrder = new List<string>();
        for (int i = 0; i < examples.Count; i++)
        {
            if (!groups.TryGetValue(examples[i].Prompt, out var list))
            {
                list = [];
                groups.Add(examples[i].Prompt, list);
                groupOrder.Add(examples[i].Prompt);
            }
            list.Add(i);
        }
        if (groupOrder.Count < folds)
        {
            throw new ArgumentException($"{groupOrder.Count} distinct prompts cannot fill {folds} folds.", nameof(examples));
        }
        var strata = new List<string>[4];
        for (int s = 0; s < 4; s++)
        {
            strata[s] = [];
        }
        foreach (var key in groupOrder)
        {
            var first = examples[groups[key][0]];
            strata[(first.WeakIsGood ? 2 : 0) + (first.StrongIsGood ? 1 : 0)].Add(key);
        }
        var rng = new Random(seed);
        var result = new int[examples.Count];
        int next = 0;
        foreach (var stratum in strata)
        {
            var keys = stratum.ToArray();
            rng.Shuffle(keys);
            foreach (var key in keys)
            {
                foreach (var i in groups[key])
                {
                    result[i] = next;
                }
                next = (next + 1) % folds;
            }
        }
        return result;
    }
}
