namespace Hearth.Routing.Features;

/// <summary>The kinds of task the router distinguishes (rule-based, from the prompt text).</summary>
public enum TaskType
{
    /// <summary>Open chat or creative writing; nothing more specific matched.</summary>
    General = 0,
    Classification,
    Extraction,
    Formatting,
    Summarization,
    Translation,
    QuestionAnswering,
    Math,
    Code,
    MultiStepReasoning,
}
