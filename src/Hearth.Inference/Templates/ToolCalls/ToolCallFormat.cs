namespace Hearth.Inference.Templates;

/// <summary>How a model family writes tool calls in its output.</summary>
public enum ToolCallFormat
{
    /// <summary>The template defines no tool-call syntax we parse; output is plain text.</summary>
    None,

    /// <summary>Hermes / Qwen 2.5 / Qwen 3: <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c>, possibly several.</summary>
    Hermes,

    /// <summary>Llama 3.1/3.2/3.3: a bare JSON object <c>{"name": ..., "parameters": {...}}</c>, optionally after <c>&lt;|python_tag|&gt;</c>,
    /// or a built-in call <c>&lt;|python_tag|&gt;tool.call(key="value")</c>.</summary>
    Llama3Json,
}
