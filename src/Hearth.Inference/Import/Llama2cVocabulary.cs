using System.Buffers.Binary;
using System.Text;

namespace Hearth.Inference.Import;

/// <summary>
/// A llama2.c tokenizer file (<c>tokenizer.bin</c>/<c>tok512.bin</c>): int32 max_token_length, then per token a float32
/// score, an int32 byte length and the UTF-8 bytes. The exporter stored SentencePiece's '▁' as a plain space and BOS/EOS
/// as "\n&lt;s&gt;\n" and "\n&lt;/s&gt;\n"; <see cref="Read"/> returns the pieces as stored.
/// </summary>
public sealed record Llama2cVocabulary(IReadOnlyList<string> Pieces, IReadOnlyList<float> Scores, int MaxTokenLength)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>Reads exactly <paramref name="vocabSize"/> tokens; a short, long or malformed file is a <see cref="Llama2cFormatException"/>.</summary>
    public static Llama2cVocabulary Read(string path, int vocabSize)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4)
        {
            throw new Llama2cFormatException(path, "max_token_length", 0, $"file is {bytes.Length} bytes, too short for a llama2.c tokenizer.");
        }
        var maxLength = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (maxLength <= 0 || maxLength > 1 << 16)
        {
            throw new Llama2cFormatException(path, "max_token_length", 0, $"value {maxLength} is out of range (1..65536).");
        }
        var pieces = new string[vocabSize];
        var scores = new float[vocabSize];
        var pos = 4L;
        for (var i = 0; i < vocabSize; i++)
        {
            if (bytes.Length - pos < 8)
            {
                throw new Llama2cFormatException(path, $"token[{i}]", pos,
                    $"file ends after {i} tokens but the model's vocabulary has {vocabSize}; is this the tokenizer for this model?");
            }
            scores[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)pos));
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)pos + 4));
            if (length < 0 || length > maxLength || length > bytes.Length - pos - 8)
            {
                throw new Llama2cFormatException(path, $"token[{i}].length", pos + 4,
                    $"length {length} is negative, above max_token_length {maxLength}, or past the end of the file.");
            }
            try
            {
                pieces[i] = s_strictUtf8.GetString(bytes, (int)pos + 8, length);
            }
            catch (DecoderFallbackException ex)
            {
                throw new Llama2cFormatException(path, $"token[{i}]", pos + 8, "token bytes are not valid UTF-8.", ex);
            }
            pos += 8 + length;
        }
        if (pos != bytes.Length)
        {
            throw new Llama2cFormatException(path, $"token[{vocabSize}]", pos,
                $"{bytes.Length - pos} bytes follow the {vocabSize} tokens the model declares; is this the tokenizer for this model?");
        }
        return new Llama2cVocabulary(pieces, scores, maxLength);
    }
}
