using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hearth.Inference.Templates.Jinja;
using Hearth.Inference.Templates.Jinja.Ast;
using Hearth.Inference.Templates.Jinja.Runtime;

namespace Hearth.Inference.Templates;

/// <summary>
/// A parsed chat template (the Jinja subset real model templates use), rendered with the settings Hugging Face applies:
/// <c>trim_blocks</c>, <c>lstrip_blocks</c>, loop controls, <c>raise_exception</c> and <c>strftime_now</c> globals.
/// Parse once (or use <see cref="GetOrParse"/>), render many times; instances are immutable and thread-safe.
/// </summary>
public sealed class ChatTemplate
{
    private static readonly ConcurrentDictionary<string, ChatTemplate> s_cache = new(StringComparer.Ordinal);
    private const int MaxCachedTemplates = 64;

    private readonly SourceText _source;
    private readonly Node[] _body;
    private readonly ChatTemplateOptions _options;
    private int _lastOutputLength = 256;

    private ChatTemplate(SourceText source, Node[] body, ChatTemplateOptions options, string text)
    {
        _source = source;
        _body = body;
        _options = options;
        Source = text;
    }

    /// <summary>The template text as given.</summary>
    public string Source { get; }

    /// <summary>Parses a template.</summary>
    /// <exception cref="TemplateSyntaxException">The source is invalid or uses an unsupported construct (with line and column).</exception>
    public static ChatTemplate Parse(string source) => Parse(source, ChatTemplateOptions.Default);

    /// <summary>Parses a template with explicit options (clock, limits).</summary>
    /// <exception cref="TemplateSyntaxException">The source is invalid or uses an unsupported construct (with line and column).</exception>
    public static ChatTemplate Parse(string source, ChatTemplateOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (source.Length > options.MaxSourceChars)
        {
            throw new TemplateSyntaxException($"template of {source.Length} chars exceeds the limit of {options.MaxSourceChars}", 0, 0);
        }
        var text = new SourceText(source);
        return new ChatTemplate(text, Parser.Parse(text), options, source);
    }

    /// <summary>
    /// Returns a cached parse of <paramref name="source"/> with default options (keyed by content), parsing on first use.
    /// At most 64 templates are kept.
    /// </summary>
    public static ChatTemplate GetOrParse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));
        if (s_cache.TryGetValue(key, out ChatTemplate? cached))
        {
            return cached;
        }
        ChatTemplate parsed = Parse(source);
        if (s_cache.Count >= MaxCachedTemplates)
        {
            s_cache.Clear();
        }
        return s_cache.GetOrAdd(key, parsed);
    }

    /// <summary>Renders the prompt for <paramref name="input"/>.</summary>
    /// <param name="input">Messages, tools and special tokens.</param>
    /// <param name="cancellationToken">Checked at every step of the render (a client that disconnects stops it).</param>
    /// <exception cref="TemplateRaisedException">The template called <c>raise_exception(msg)</c>; the message is the template's.</exception>
    /// <exception cref="TemplateRuntimeException">A type error, misuse of an undefined value, or a limit was exceeded (<see cref="TemplateLimitExceededException"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public string Render(ChatTemplateInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (input.Extra is not null)
        {
            foreach (var pair in input.Extra)
            {
                variables[pair.Key] = pair.Value;
            }
        }
        var messages = new List<object?>(input.Messages.Count);
        foreach (TemplateMessage message in input.Messages)
        {
            messages.Add(ValueConverter.FromMessage(message));
        }
        var context = new Scope(null);
        Globals.AddTo(context);
        foreach (var pair in variables)
        {
            context.Set(pair.Key, ValueConverter.FromObject(pair.Value));
        }
        context.Set("messages", messages);
        context.Set("add_generation_prompt", input.AddGenerationPrompt);
        context.Set("bos_token", input.BosToken);
        context.Set("eos_token", input.EosToken);
        context.Set("tools", input.Tools is null ? null : input.Tools.Select(tool => ValueConverter.FromJson(tool)).ToList());
        return RenderScope(context, cancellationToken);
    }

    /// <summary>Renders with arbitrary variables (values as accepted by <see cref="ChatTemplateInput.Extra"/>).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var context = new Scope(null);
        Globals.AddTo(context);
        foreach (var pair in variables)
        {
            context.Set(pair.Key, ValueConverter.FromObject(pair.Value));
        }
        return RenderScope(context, cancellationToken);
    }

    private string RenderScope(Scope context, CancellationToken cancellationToken)
    {
        var evaluator = new Evaluator(_source, _options, Volatile.Read(ref _lastOutputLength), cancellationToken);
        string output = evaluator.Run(_body, new Scope(context));
        Volatile.Write(ref _lastOutputLength, Math.Min(Math.Max(output.Length, 256), 1 << 20));
        return output;
    }
}
