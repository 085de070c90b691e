namespace Hearth.Inference.Templates;

/// <summary>Picks the tool-call output format from a chat template's text.</summary>
public static class ToolCallFormats
{
    /// <summary>
    /// <see cref="ToolCallFormat.Hermes"/> when the template teaches <c>&lt;tool_call&gt;</c> (Hermes 2/3, Qwen 2.5/3);
    /// <see cref="ToolCallFormat.Llama3Json"/> when it teaches the Llama 3.x JSON form (<c>"parameters"</c> with ipython /
    /// <c>&lt;|python_tag|&gt;</c>); otherwise <see cref="ToolCallFormat.None"/>.
    /// </summary>
    public static ToolCallFormat Detect(string templateSource)
    {
        ArgumentNullException.ThrowIfNull(templateSource);
        if (templateSource.Contains("<tool_call>", StringComparison.Ordinal))
        {
            return ToolCallFormat.Hermes;
        }
        bool llamaHeaders = templateSource.Contains("<|start_header_id|>", StringComparison.Ordinal);
        bool jsonCalls = templateSource.Contains("\"parameters\"", StringComparison.Ordinal)
            || templateSource.Contains("<|python_tag|>", StringComparison.Ordinal);
        bool teachesFunctionary = templateSource.Contains("<function=", StringComparison.Ordinal) || templateSource.Contains(">>>", StringComparison.Ordinal);
        return llamaHeaders && jsonCalls && !teachesFunctionary ? ToolCallFormat.Llama3Json : ToolCallFormat.None;
    }
}
