using System.Text.RegularExpressions;

namespace Hearth.Routing.Features;

/// <summary>
/// Rule-based task-type classifier: each type has cue patterns with weights; the scores are features for the router,
/// and the best-scoring type (or <see cref="TaskType.General"/>) is reported in decisions.
/// </summary>
public static partial class TaskTypeClassifier
{
    /// <summary>Number of task types (length of <see cref="Scores"/>).</summary>
    public static int Count { get; } = Enum.GetValues<TaskType>().Length;

    private static readonly (TaskType Type, Regex Cue, double Weight)[] s_cues =
    [
        (TaskType.Classification, Classify(), 1.0),
        (TaskType.Classification, MultipleChoice(), 0.8),
        (TaskType.Extraction, Extract(), 1.0),
        (TaskType.Formatting, Format(), 1.0),
        (TaskType.Summarization, Summarize(), 1.0),
        (TaskType.Translation, Translate(), 1.2),
        (TaskType.QuestionAnswering, Question(), 0.6),
        (TaskType.Math, MathWords(), 0.7),
        (TaskType.Math, MathSymbols(), 0.5),
        (TaskType.Code, CodeWords(), 1.0),
        (TaskType.Code, CodeSyntax(), 0.8),
        (TaskType.MultiStepReasoning, Reasoning(), 0.8),
    ];

    /// <summary>Score per task type (index = (int)TaskType), each in [0, ~3].</summary>
    public static double[] Scores(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var scores = new double[Count];
        var text = prompt.Length > 8192 ? prompt[..8192] : prompt;
        foreach (var (type, cue, weight) in s_cues)
        {
            int hits = 0;
            for (var m = cue.Match(text); m.Success && hits < 5; m = m.NextMatch())
            {
                hits++;
            }
            scores[(int)type] += weight * Math.Log(1 + hits);
        }
        return scores;
    }

    /// <summary>The most likely task type of a prompt.</summary>
    public static TaskType Classify(string prompt)
    {
        var scores = Scores(prompt);
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }
        return scores[best] >= 0.5 ? (TaskType)best : TaskType.General;
    }

    [GeneratedRegex(@"\b(classify|categori[sz]e|which (category|class|label)|sentiment|is (this|it) (positive|negative)|label (each|the)|true or false)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Classify();

    [GeneratedRegex(@"^\s*\(?[A-D][\.\)]\s", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex MultipleChoice();

    [GeneratedRegex(@"\b(extract|list (all|every|the)|find (all|every)|pull out|identify (all|the names)|named entit|from the (text|passage|following))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Extract();

    [GeneratedRegex(@"\b(json|yaml|xml|csv|markdown|table|format(ted)?|bullet(ed)? list|schema)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Format();

    [GeneratedRegex(@"\b(summari[sz]e|summary|tl;?dr|in (a few|one|two|three) (sentences?|words)|condense|key points)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Summarize();

    [GeneratedRegex(@"\b(translate|translation|in (english|french|german|spanish|chinese|japanese|italian|portuguese|russian|arabic)|into (english|french|german|spanish|chinese|japanese|italian|portuguese|russian|arabic))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Translate();

    [GeneratedRegex(@"(\?\s*$|^\s*(what|who|when|where|which|why|how)\b)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Question();

    [GeneratedRegex(@"\b(calculate|compute|how (many|much)|solve|equation|sum|product|percent(age)?|probability|integral|derivative|average|total|ratio)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MathWords();

    [GeneratedRegex(@"\d\s*[\+\-\*/\^=<>]\s*\d|\$\d|\d%|\\frac|\\sqrt|[xy]\^\d", RegexOptions.CultureInvariant)]
    private static partial Regex MathSymbols();

    [GeneratedRegex(@"\b(code|function|python|javascript|typescript|java|c\+\+|c#|rust|golang|sql|regex|compile|bug|algorithm|implement|class|method|api)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CodeWords();

    [GeneratedRegex(@"(```|\bdef \w+\(|\breturn\b|;\s*$|\{\s*$|=>|\bpublic \w+|#include)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex CodeSyntax();

    [GeneratedRegex(@"\b(step by step|explain why|reason|prove|justify|therefore|if and only if|implies|deduce|infer|plan|compare and contrast|trade-?offs?|statement 1)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reasoning();
}
