using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.Routing.Learning;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Cascade;

/// <summary>
/// Decides whether the small model's answer is good enough. Checks, cheapest first: format validity (JSON parses and
/// matches the requested schema), refusals and hedging, token log-probabilities (mean and minimum, when an
/// <see cref="ILogProbSource"/> is given), the learned (prompt, answer) scorer, and self-consistency of k samples.
/// The first failing check escalates and names itself in the reason. Thread-safe.
/// </summary>
public sealed partial class CascadeVerifier
{
    private readonly CascadeVerifierOptions _options;
    private readonly RouterModel? _scorer;
    private readonly double _scorerThreshold;
    private readonly ILogProbSource? _logProbs;
    private readonly ISelfConsistencySampler? _sampler;

    /// <param name="options">Thresholds.</param>
    /// <param name="scorer">A <see cref="RouterKind.Cascade"/> model, or null to skip the learned check.</param>
    /// <param name="logProbs">Source of token log-probabilities, or null.</param>
    /// <param name="sampler">Sampler for self-consistency, or null.</param>
    public CascadeVerifier(CascadeVerifierOptions? options = null, RouterModel? scorer = null, ILogProbSource? logProbs = null, ISelfConsistencySampler? sampler = null)
    {
        _options = options ?? new CascadeVerifierOptions();
        if (scorer is not null && scorer.Kind != RouterKind.Cascade)
        {
            throw new ArgumentException("The cascade scorer must be a model trained with --router cascade.", nameof(scorer));
        }
        _scorer = scorer;
        _scorerThreshold = scorer?.ThresholdForEscalationShare(_options.ScorerEscalationShare) ?? double.PositiveInfinity;
        _logProbs = logProbs;
        _sampler = sampler;
    }

    /// <summary>Judges an answer to a request. The reason names every signal measured (log-probs, scorer, self-consistency).</summary>
    public async Task<VerifierVerdict> VerifyAsync(IReadOnlyList<ChatMessage> messages, ChatResponse answer, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(answer);
        var text = answer.Text ?? string.Empty;
        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            var format = CheckJson(text, json.Schema);
            if (format is not null)
            {
                return new VerifierVerdict(false, format);
            }
        }
        if (text.Trim().Length == 0)
        {
            return new VerifierVerdict(false, "empty answer");
        }
        if (_options.EscalateOnRefusal && Refusal().IsMatch(text))
        {
            return new VerifierVerdict(false, "refusal phrase");
        }
        if (_options.MaxHedges > 0)
        {
            var hedges = Hedge().Count(text);
            if (hedges >= _options.MaxHedges)
            {
                return new VerifierVerdict(false, $"{hedges} hedging phrases");
            }
        }
        var signals = new List<string>(3);
        if (_logProbs is not null)
        {
            if (_logProbs.TryGetTokenLogProbs(answer, out var lp) && lp.Count > 0)
            {
                var mean = lp.Average();
                var min = lp.Min();
                if (mean < _options.MinMeanLogProb)
                {
                    return Escalate(Invariant($"mean log-prob {mean:F2} < {_options.MinMeanLogProb:F2} over {lp.Count} tokens"), signals);
                }
                if (min < _options.MinTokenLogProb)
                {
                    return Escalate(Invariant($"min token log-prob {min:F2} < {_options.MinTokenLogProb:F2}"), signals);
                }
                signals.Add(Invariant($"log-prob mean {mean:F2}, min {min:F2} over {lp.Count} tokens"));
            }
            else
            {
                signals.Add("no token log-probs reported");
            }
        }
        if (_scorer is not null)
        {
            var score = _scorer.EscalationScore(ChatText.Prompt(messages), text);
            if (score >= _scorerThreshold)
            {
                return Escalate(Invariant($"scorer {score:F3} >= {_scorerThreshold:F3}"), signals);
            }
            signals.Add(Invariant($"scorer {score:F3} < {_scorerThreshold:F3}"));
        }
        if (_sampler is not null && _options.SelfConsistencySamples > 0)
        {
            var samples = await _sampler.SampleAsync(messages, options, _options.SelfConsistencySamples, cancellationToken).ConfigureAwait(false);
            var key = FinalKey(text);
            var agreeing = samples.Count(s => FinalKey(s) == key);
            var agree = samples.Count == 0 ? 1.0 : agreeing / (double)samples.Count;
            var note = Invariant($"self-consistency {agreeing}/{samples.Count} samples agree");
            if (agree < _options.MinAgreement)
            {
                return Escalate(Invariant($"{note} < {_options.MinAgreement:P0}"), signals);
            }
            signals.Add(note);
        }
        return new VerifierVerdict(true, signals.Count == 0 ? "checks passed" : "checks passed: " + string.Join("; ", signals));
    }

    /// <summary>The options for the first-line call: asks for token log-probabilities when a source is configured.</summary>
    internal ChatOptions? FirstLineOptions(ChatOptions? options) => _logProbs?.RequestLogProbs(options) ?? options;

    /// <summary>Removes log-probabilities <paramref name="original"/> did not ask for from a first-line answer.</summary>
    internal void ForgetUnrequested(ChatResponse answer, ChatOptions? original) => _logProbs?.RemoveUnrequested(answer, original);

    private static VerifierVerdict Escalate(string failed, List<string> passed) =>
        new(false, passed.Count == 0 ? failed : failed + "; passed: " + string.Join("; ", passed));

    /// <summary>Null when the text is JSON matching the schema (if any); otherwise the problem.</summary>
    internal static string? CheckJson(string text, JsonElement? schema)
    {
        var body = text.Trim();
        var fence = Fence().Match(body);
        if (fence.Success)
        {
            body = fence.Groups["body"].Value;
        }
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            if (schema is { } s && !JsonSchemaSubset.Validate(s, doc.RootElement, out var error))
            {
                return "json-schema mismatch: " + error;
            }
            return null;
        }
        catch (JsonException)
        {
            return "json-invalid";
        }
    }

    /// <summary>The comparable final answer of a text: the last number if any, else the last non-empty line, normalized.</summary>
    internal static string FinalKey(string text)
    {
        var numbers = Number().Matches(text);
        if (numbers.Count > 0)
        {
            var v = numbers[^1].Value.Replace(",", "", StringComparison.Ordinal);
            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d.ToString(CultureInfo.InvariantCulture) : v;
        }
        var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;
        return last.ToLowerInvariant().TrimEnd('.', '!');
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^```(?:json)?\s*(?<body>[\s\S]*?)\s*```$", RegexOptions.CultureInvariant)]
    private static partial Regex Fence();

    [GeneratedRegex(@"-?\d[\d,]*(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"\b(i can(no|')t (help|assist|provide|answer|do that)|i'm unable to|i am unable to|as an ai( language model)?|i'm sorry, but|i do not have (access|the ability))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Refusal();

    [GeneratedRegex(@"\b(i'm not sure|i am not sure|not certain|i think|it seems|might be|possibly|perhaps|i believe|hard to say|it depends)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Hedge();
}
