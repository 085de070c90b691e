using System.Text;
using System.Text.Json;
using Hearth.Inference.Engine.Json;

namespace Hearth.Inference.Tests.Engine.Json;

public sealed class JsonTokenConstraintTests
{
    // A toy vocabulary: id 0 renders nothing (like EOS), the rest are text pieces.
    private static readonly string[] s_vocabulary =
        ["", "{", "}", "\"", "a", "b", ":", " ", ",", "1", "[", "]", "\"a\":", "hello", "{\"", "}}", "true", "x\"}", "\n"];

    [Fact]
    public void Mask_AtStart_AllowsOnlyObjectOpeners()
    {
        var constraint = new JsonTokenConstraint(JsonTokenTable.FromTexts(s_vocabulary));
        var logits = new float[s_vocabulary.Length];
        constraint.Mask(logits, remainingTokens: 100);
        var allowed = Enumerable.Range(0, logits.Length).Where(i => logits[i] > float.NegativeInfinity).Select(i => s_vocabulary[i]).ToArray();
        Assert.Equal(["{", " ", "{\"", "\n"], allowed);
    }

    [Fact]
    public void Mask_RandomWalk_AlwaysProducesValidJsonWithinBudget()
    {
        var table = JsonTokenTable.FromTexts(s_vocabulary);
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var constraint = new JsonTokenConstraint(table);
            var output = new StringBuilder();
            const int budget = 24;
            for (var n = 0; n < budget && !constraint.IsComplete; n++)
            {
                var logits = Enumerable.Range(0, s_vocabulary.Length).Select(_ => (float)random.NextDouble()).ToArray();
                constraint.Mask(logits, budget - n);
                var allowed = Enumerable.Range(0, logits.Length).Where(i => logits[i] > float.NegativeInfinity).ToArray();
                Assert.NotEmpty(allowed);
                var id = allowed[random.Next(allowed.Length)];
                constraint.Accept(id);
                output.Append(s_vocabulary[id]);
            }
            Assert.True(constraint.IsComplete, $"seed {seed}: '{output}' did not complete within {budget} tokens");
            JsonDocument.Parse(output.ToString()).Dispose();
        }
    }

    [Fact]
    public void Accept_MaskedToken_Throws()
    {
        var constraint = new JsonTokenConstraint(JsonTokenTable.FromTexts(s_vocabulary));
        Assert.Throws<InvalidOperationException>(() => constraint.Accept(4));
    }
}
