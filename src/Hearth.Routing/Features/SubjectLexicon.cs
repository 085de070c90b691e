namespace Hearth.Routing.Features;

/// <summary>
/// Subject cues: broad academic/professional domains, each a set of indicative words. The per-domain hit counts are
/// router features (a prompt's subject is read from its own text, never from where it came from).
/// </summary>
internal static class SubjectLexicon
{
    private static readonly string[][] s_domains =
    [
        ["court", "plaintiff", "defendant", "statute", "contract", "tort", "constitutional", "jury", "negligence", "liable", "liability", "lawsuit", "attorney", "judge", "appeal", "evidence", "testimony", "prosecution", "felony", "burglary", "murder", "property", "lease", "tenant", "landlord", "deed", "easement", "mortgage", "breach", "damages"],
        ["patient", "diagnosis", "symptoms", "treatment", "disease", "clinical", "physician", "mg", "dose", "infection", "syndrome", "blood", "pain", "hospital", "therapy", "drug", "chronic", "acute", "examination", "cardiac", "renal", "nerve", "muscle"],
        ["cell", "cells", "protein", "dna", "gene", "genes", "species", "enzyme", "organism", "membrane", "evolution", "mutation", "chromosome", "bacteria", "virus", "tissue", "plant", "plants"],
        ["molecule", "atom", "atoms", "reaction", "acid", "electron", "electrons", "bond", "mol", "solution", "compound", "oxidation", "ion", "ph", "element", "chemical", "gas", "equilibrium"],
        ["velocity", "force", "energy", "mass", "acceleration", "momentum", "charge", "field", "wave", "frequency", "voltage", "current", "magnetic", "particle", "gravitational", "friction", "kinetic"],
        ["equation", "integer", "polynomial", "function", "matrix", "prime", "theorem", "derivative", "integral", "vector", "ring", "group", "field", "subgroup", "real", "numbers", "solve", "sqrt", "x", "y"],
        ["probability", "mean", "variance", "sample", "regression", "distribution", "hypothesis", "statistical", "random", "correlation", "standard", "deviation", "estimator", "significance"],
        ["algorithm", "program", "computer", "software", "memory", "data", "network", "binary", "bits", "code", "processor", "encryption", "attack", "security", "input", "output"],
        ["price", "market", "demand", "supply", "cost", "firm", "economy", "inflation", "gdp", "tax", "interest", "monetary", "fiscal", "profit", "revenue", "business", "company", "investment", "accounting"],
        ["war", "century", "empire", "king", "revolution", "president", "colonial", "treaty", "british", "american", "history", "historian", "passage", "excerpt", "reign", "soviet", "roman"],
        ["behavior", "cognitive", "psychology", "psychologist", "personality", "memory", "disorder", "therapy", "emotional", "child", "development", "social", "learning", "motivation"],
        ["moral", "morally", "ethics", "ethical", "philosophy", "argument", "kant", "utilitarian", "virtue", "justice", "fallacy", "premise", "conclusion", "socrates", "plato", "aristotle"],
        ["scenario", "wrong", "ordinary", "standards", "i", "my"],
        ["country", "government", "political", "policy", "election", "congress", "state", "states", "international", "foreign", "population", "region", "culture", "religion"],
    ];

    private static readonly Dictionary<string, int[]> s_index = BuildIndex();

    /// <summary>Number of domains.</summary>
    public static int Count => s_domains.Length;

    /// <summary>Adds the hit count of each domain for the given words into counts (length <see cref="Count"/>).</summary>
    public static void AddCounts(IReadOnlyList<string> words, Span<double> counts)
    {
        foreach (var w in words)
        {
            if (s_index.TryGetValue(w, out var domains))
            {
                foreach (var d in domains)
                {
                    counts[d] += 1;
                }
            }
        }
    }

    private static Dictionary<string, int[]> BuildIndex()
    {
        var map = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int d = 0; d < s_domains.Length; d++)
        {
            foreach (var w in s_domains[d])
            {
                if (!map.TryGetValue(w, out var list))
                {
                    map[w] = list = [];
                }
                if (!list.Contains(d))
                {
                    list.Add(d);
                }
            }
        }
        return map.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }
}
