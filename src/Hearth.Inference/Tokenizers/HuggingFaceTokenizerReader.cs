using System.Text;
using System.Text.Json;
using Hearth.Inference.Tokenizers.PreTokenizers;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> with a byte-level BPE model into a <see cref="Vocabulary"/>.
/// Supported: normalizer null/NFC/NFKC; pre_tokenizer ByteLevel (GPT-2 regex), Split (Isolated, regex or string),
/// Digits, or a Sequence of those ending in ByteLevel; merges as <c>"a b"</c> strings or <c>["a","b"]</c> pairs;
/// added_tokens (special → control, others → user-defined; lstrip/rstrip honoured).
/// BOS/EOS come from a <c>tokenizer_config.json</c> beside the file when present.
/// </summary>
internal static class HuggingFaceTokenizerReader
{
    public static Vocabulary Read(string path, string? configPath = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw;
        }
        catch (IOException e)
        {
            throw new TokenizerFormatException(path, "file", e.Message, e);
        }
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            var config = LoadConfig(configPath ?? FindConfig(path));
            return Build(path, document.RootElement, config);
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(path, "json", e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new TokenizerFormatException(path, "json", "unexpected value kind: " + e.Message, e);
        }
    }

    private static Vocabulary Build(string path, JsonElement root, JsonElement? config)
    {
        var model = Required(path, root, "model");
        var modelType = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "BPE";
        if (modelType != "BPE")
        {
            throw new NotSupportedTokenizerException("tokenizer.json model.type", modelType ?? "", ["BPE"]);
        }
        if (model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True)
        {
            throw new NotSupportedTokenizerException("tokenizer.json model.byte_fallback", "true", ["false (byte-level BPE)"]);
        }

        var vocab = Required(path, model, "vocab");
        var entries = new List<(string Piece, int Id)>();
        var maxId = -1;
        foreach (var property in vocab.EnumerateObject())
        {
            var id = property.Value.GetInt32();
            entries.Add((property.Name, id));
            maxId = Math.Max(maxId, id);
        }
        var added = new List<(string Piece, int Id, bool Special, bool LStrip, bool RStrip)>();
        if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in addedTokens.EnumerateArray())
            {
                var id = Required(path, token, "id").GetInt32();
                var content = Required(path, token, "content").GetString() ?? "";
                added.Add((content, id, Flag(token, "special"), Flag(token, "lstrip"), Flag(token, "rstrip")));
                maxId = Math.Max(maxId, id);
            }
        }
        if (maxId < 0)
        {
            throw new TokenizerFormatException(path, "model.vocab", "no tokens.");
        }
        if (maxId > 10_000_000)
        {
            throw new TokenizerFormatException(path, "model.vocab", $"token id {maxId} is implausibly large.");
        }
        var tokens = new string[maxId + 1];
        var types = new TokenType[maxId + 1];
        Array.Fill(types, TokenType.Unused);
        foreach (var (piece, id) in entries)
        {
            if (id < 0)
            {
                throw new TokenizerFormatException(path, "model.vocab", $"negative id {id} for '{piece}'.");
            }
            tokens[id] = piece;
            types[id] = TokenType.Normal;
        }
        var leftStrip = new HashSet<int>();
        var rightStrip = new HashSet<int>();
        foreach (var (piece, id, special, lstrip, rstrip) in added)
        {
            if (id < 0)
            {
                throw new TokenizerFormatException(path, "added_tokens", $"negative id {id} for '{piece}'.");
            }
            tokens[id] = piece;
            types[id] = special ? TokenType.Control : TokenType.UserDefined;
            if (lstrip)
            {
                leftStrip.Add(id);
            }
            if (rstrip)
            {
                rightStrip.Add(id);
            }
        }
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] ??= $"[PAD{i}]";
        }

        var merges = new List<string>();
        var mergesElement = Required(path, model, "merges");
        foreach (var merge in mergesElement.EnumerateArray())
        {
            merges.Add(merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!,
                JsonValueKind.Array when merge.GetArrayLength() == 2 => merge[0].GetString() + " " + merge[1].GetString(),
                _ => throw new TokenizerFormatException(path, "model.merges", $"unexpected merge entry {merge.GetRawText()}."),
            });
        }

        var (bos, eos, addBos) = SpecialIds(tokens, config);
        return new Vocabulary(TokenizerModel.ByteLevelBpe, tokens)
        {
            Origin = path,
            TokenTypes = types,
            Merges = merges,
            PreTokenizer = PreTokenizerFor(path, root),
            Normalization = NormalizationFor(root),
            IgnoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True,
            BosTokenId = bos,
            EosTokenId = eos,
            UnknownTokenId = -1,
            AddBos = addBos,
            AddSpacePrefix = false,
            LeftStripTokens = leftStrip,
            RightStripTokens = rightStrip,
        };
    }

    /// <summary>Maps the pre_tokenizer to a registered pre-tokenizer name with the same split patterns.</summary>
    private static string PreTokenizerFor(string path, JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind == JsonValueKind.Null)
        {
            throw new NotSupportedTokenizerException("tokenizer.json pre_tokenizer", "null", ["ByteLevel", "Sequence[Split|Digits, ByteLevel]"]);
        }
        var steps = pre.GetProperty("type").GetString() == "Sequence"
            ? pre.GetProperty("pretokenizers").EnumerateArray().ToList()
            : [pre];
        var patterns = new List<string>();
        foreach (var step in steps)
        {
            var type = step.GetProperty("type").GetString();
            switch (type)
            {
                case "ByteLevel":
                    if (Flag(step, "add_prefix_space"))
                    {
                        throw new NotSupportedTokenizerException("tokenizer.json ByteLevel.add_prefix_space", "true", ["false"]);
                    }
                    if (!step.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind == JsonValueKind.True)
                    {
                        patterns.Add(PreTokenizerPatterns.Gpt2);
                    }
                    break;
                case "Digits":
                    patterns.Add(Flag(step, "individual_digits") ? PreTokenizerPatterns.SingleDigit : PreTokenizerPatterns.DigitRun);
                    break;
                case "Split":
                    var behavior = step.TryGetProperty("behavior", out var b) ? b.GetString() : "Isolated";
                    if (behavior != "Isolated" || Flag(step, "invert"))
                    {
                        throw new NotSupportedTokenizerException("tokenizer.json Split.behavior", behavior ?? "", ["Isolated (invert: false)"]);
                    }
                    var pattern = step.GetProperty("pattern");
                    patterns.Add(pattern.TryGetProperty("Regex", out var regex)
                        ? regex.GetString()!
                        : System.Text.RegularExpressions.Regex.Escape(pattern.GetProperty("String").GetString()!));
                    break;
                default:
                    throw new NotSupportedTokenizerException("tokenizer.json pre_tokenizer type", type ?? "", ["ByteLevel", "Digits", "Split", "Sequence"]);
            }
        }
        var match = PreTokenizerRegistry.All.FirstOrDefault(d => d.Patterns.SequenceEqual(patterns.Select(Canonical)));
        return match is not null
            ? match.Names[0]
            : throw new NotSupportedTokenizerException("tokenizer.json pre_tokenizer", string.Join(" | ", patterns), PreTokenizerRegistry.Names);

        // tokenizer.json writes Llama 3 / Qwen 2 contractions as (?i:...); llama.cpp (and the registry) spell them out.
        static string Canonical(string p) =>
            p.Replace("(?i:'s|'t|'re|'ve|'m|'ll|'d)", "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])", StringComparison.Ordinal);
    }

    private static NormalizationForm? NormalizationFor(JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var type = normalizer.GetProperty("type").GetString();
        return type switch
        {
            "NFC" => NormalizationForm.FormC,
            "NFKC" => NormalizationForm.FormKC,
            _ => throw new NotSupportedTokenizerException("tokenizer.json normalizer", type ?? "", ["null", "NFC", "NFKC"]),
        };
    }

    private static (int Bos, int Eos, bool AddBos) SpecialIds(string[] tokens, JsonElement? config)
    {
        int Find(string? text) => text is null ? -1 : Array.IndexOf(tokens, text);
        if (config is { } c)
        {
            var bos = Find(TokenText(c, "bos_token"));
            var eos = Find(TokenText(c, "eos_token"));
            var addBos = c.TryGetProperty("add_bos_token", out var a) && a.ValueKind == JsonValueKind.True && bos >= 0;
            return (bos, eos, addBos);
        }
        return (-1, Find("<|endoftext|>"), false);
    }

    private static string? TokenText(JsonElement config, string name) =>
        !config.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
        : null;

    private static string? FindConfig(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var name = Path.GetFileName(path);
        var candidates = new List<string>();
        if (name.EndsWith("tokenizer.json", StringComparison.Ordinal))
        {
            candidates.Add(Path.Combine(directory, name[..^"tokenizer.json".Length] + "tokenizer_config.json"));
        }
        candidates.Add(Path.Combine(directory, "tokenizer_config.json"));
        return candidates.FirstOrDefault(File.Exists);
    }

    private static JsonElement? LoadConfig(string? configPath)
    {
        if (configPath is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(File.ReadAllBytes(configPath));
        return document.RootElement.Clone();
    }

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static JsonElement Required(string path, JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new TokenizerFormatException(path, name, "missing.");
}
