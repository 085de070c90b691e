using Hearth.Routing.Features;

namespace Hearth.Routing.Tests.Features;

public sealed class TaskTypeClassifierTests
{
    [Theory]
    [InlineData("Translate into French: the cat sleeps.", TaskType.Translation)]
    [InlineData("Summarize the following article in three sentences.", TaskType.Summarization)]
    [InlineData("Write a Python function that reverses a linked list.", TaskType.Code)]
    [InlineData("Return the result as JSON matching this schema.", TaskType.Formatting)]
    [InlineData("Extract all the dates from the following text.", TaskType.Extraction)]
    [InlineData("Classify the sentiment of this review as positive or negative.", TaskType.Classification)]
    [InlineData("Calculate the total cost: 3 * 4 + 2 = ? How much is it?", TaskType.Math)]
    [InlineData("Prove step by step that the square root of 2 is irrational, and justify each step.", TaskType.MultiStepReasoning)]
    [InlineData("Who wrote Hamlet?", TaskType.QuestionAnswering)]
    [InlineData("Hello there", TaskType.General)]
    public void Classify_TypicalPrompts(string prompt, TaskType expected) => Assert.Equal(expected, TaskTypeClassifier.Classify(prompt));
}
