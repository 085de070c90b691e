using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// What makes one request confidential: declared (the confidential flag of the request facts or an API key in the
/// confidential list) and/or the kinds of sensitive data found in its messages and in the option text that leaves the node.
/// </summary>
/// <param name="Declared">Declared confidential by header or API key.</param>
/// <param name="Kinds">Every kind found (messages, instructions, tools, response format, stop sequences, user id).</param>
/// <param name="InVerbatimOptions">True when some of it is in option text that cannot be redacted (tools, schemas, stops, user id).</param>
internal sealed record RequestSensitivity(bool Declared, IReadOnlyCollection<SensitiveKind> Kinds, bool InVerbatimOptions)
{
    public bool Confidential => Declared || Kinds.Count > 0;

    /// <summary>True when redact-and-escalate may send it: detected (not declared) and all of it in redactable text.</summary>
    public bool Redactable => !Declared && !InVerbatimOptions;

    public string Describe() => Declared
        ? "declared confidential"
        : "sensitive data (" + string.Join(", ", Kinds) + (InVerbatimOptions ? " in tools, schema or stop sequences" : string.Empty) + ")";

    public static RequestSensitivity Assess(IReadOnlyList<ChatMessage> messages, ChatOptions? options, SensitiveDataDetector detector, IReadOnlySet<string> confidentialApiKeys)
    {
        var facts = options.GetRequestFacts();
        var apiKey = facts.ApiKeyId;
        var declared = facts.Confidential == true
            || (apiKey is not null && confidentialApiKeys.Contains(apiKey));
        var kinds = new SortedSet<SensitiveKind>();
        foreach (var m in messages)
        {
            Add(kinds, detector, MessageText.All(m));
        }
        Add(kinds, detector, OptionsText.Redactable(options));
        var verbatim = new SortedSet<SensitiveKind>();
        Add(verbatim, detector, OptionsText.Verbatim(options));
        kinds.UnionWith(verbatim);
        return new RequestSensitivity(declared, kinds, verbatim.Count > 0);
    }

    private static void Add(SortedSet<SensitiveKind> kinds, SensitiveDataDetector detector, string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        foreach (var s in detector.Detect(text))
        {
            kinds.Add(s.Kind);
        }
    }
}
