using System.Text;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Whether the runtime can normalize Unicode. Under <c>InvariantGlobalization</c> (Hearth's default, no ICU)
/// <see cref="string.Normalize(NormalizationForm)"/> leaves non-ASCII text unchanged, so a tokenizer.json
/// normalizer is then not applied — the same as llama.cpp, which ignores it for byte-level BPE.
/// </summary>
internal static class UnicodeNormalization
{
    private static readonly bool s_composes = Probe(NormalizationForm.FormC, "e\u0301", "\u00E9");
    private static readonly bool s_composesCompatibility = Probe(NormalizationForm.FormKC, "\uFB01", "fi");

    public static bool IsAvailable(NormalizationForm form) => form switch
    {
        NormalizationForm.FormC => s_composes,
        NormalizationForm.FormKC => s_composesCompatibility,
        _ => false,
    };

    private static bool Probe(NormalizationForm form, string input, string expected)
    {
        try
        {
            return string.Equals(input.Normalize(form), expected, StringComparison.Ordinal);
        }
        catch (PlatformNotSupportedException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
