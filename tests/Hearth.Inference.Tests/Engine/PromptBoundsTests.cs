using Hearth.Inference.Engine;
using Hearth.Inference.Import;
using Hearth.Inference.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine;

/// <summary>
/// <see cref="LoadedModel.EnsurePromptFits"/> on the real stories260K model (512-token window): it refuses prompts that cannot fit
/// from a prefix, and never refuses one that the exact count after full tokenization would accept.
/// </summary>
public sealed class PromptBoundsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LoadedModel _model;

    public PromptBoundsTests()
    {
        var path = _dir.File("stories260K.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), path);
        _model = LoadedModel.Load(path, new EngineOptions { Threads = 1 });
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    private static readonly string[] Words =
    [
        "Once", "upon", "a", "time", "there", "was", "little", "girl", "named", "Lily", "she", "loved", "to", "play", "outside",
        "big", "red", "ball", "happy", "dog", "Tom", "said", "the", "sun", "tree", "ice", "cream", "mom", "park", "friend",
        "ü", "日本", "—", "3.14", "\t", "  ", "!!!", "?", "\"", "(", ")", "https://x.example/a?b=c", "snake_case_name", "x" + new string('y', 40),
    ];

    /// <summary>Seeded text of at least <paramref name="chars"/> characters: story words, symbols, non-ASCII, odd spacing.</summary>
    private static string Text(Random random, int chars)
    {
        var b = new System.Text.StringBuilder(chars + 64);
        while (b.Length < chars)
        {
            b.Append(Words[random.Next(Words.Length)]);
            b.Append(random.Next(10) switch { 0 => "\n", 1 => ", ", 2 => ". ", _ => " " });
        }
        return b.ToString();
    }

    [Fact]
    public void EnsurePromptFits_SeededTextsOfManySizes_RefusesOnlyWhatTheExactCountRefuses()
    {
        var random = new Random(20261207);
        var context = _model.Info.ContextLength;
        var refused = 0;
        for (var i = 0; i < 120; i++)
        {
            // From well under the prefix sample (512 × 8 chars) to past it, split over 1–4 messages.
            var parts = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Text(random, 200 + random.Next(6000))).ToArray();
            var exact = _model.Tokenizer.Encode(string.Join("\n", parts), parseSpecialTokens: true).Length;
            try
            {
                _model.EnsurePromptFits(parts, parseSpecialTokens: true);
            }
            catch (ContextOverflowException e)
            {
                refused++;
                Assert.True(exact > context, $"case {i}: refused ({e.Message}) though the exact count {exact} fits {context}");
                Assert.True(e.IsLowerBound);
                Assert.True(e.PromptTokens > context && e.PromptTokens <= exact, $"case {i}: reported {e.PromptTokens}, exact {exact}");
            }
        }
        Assert.InRange(refused, 40, 120);   // most long cases are refused early (the rest go on to the exact check)
    }

    [Fact]
    public void EnsurePromptFits_UnderTheByteBoundButFarOverTheWindow_RefusedFromAPrefix()
    {
        // ~12 KB of story text: under the byte bound (512 × 9 × 4 = 18 KiB) but ~3,000 tokens.
        var text = string.Concat(Enumerable.Repeat("Lily saw a big red ball in the park. ", 330));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) < _model.MaxPromptBytes);

        var e = Assert.Throws<ContextOverflowException>(() => _model.EnsurePromptFits([text], parseSpecialTokens: false));

        Assert.True(e.IsLowerBound);
        Assert.True(e.PromptTokens > _model.Info.ContextLength);
    }

    [Fact]
    public void EnsurePromptFits_PromptUnderThePrefixSample_LeftToTheExactCheck()
    {
        // ~700 tokens, 2.5 KB: over the window, but short enough that only the exact count after tokenizing decides.
        var text = string.Concat(Enumerable.Repeat("Lily saw a big red ball. ", 100));

        _model.EnsurePromptFits([text], parseSpecialTokens: false);

        Assert.True(_model.Tokenizer.Encode(text).Length > _model.Info.ContextLength);
    }
}
