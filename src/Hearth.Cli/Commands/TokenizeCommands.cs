using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: tokenize.</summary>
internal static class TokenizeCommands
{
    public static void AddTo(CliContext cli)
    {
        var model = new Option<FileInfo>("--model", "-m")
        {
            Description = "A GGUF model or vocabulary file, or a Hugging Face tokenizer.json.",
            Required = true,
        };
        var bos = new Option<bool>("--bos") { Description = "Prepend the BOS token." };
        var special = new Option<bool>("--special") { Description = "Parse special tokens written in the text (e.g. <|im_start|>)." };
        var stats = new Option<bool>("--stats") { Description = "Print token count, load time and encode speed to stderr." };
        var cmd = new Command("tokenize", "Read text from stdin and print its token ids, separated by spaces.") { model, bos, special, stats };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var path = r.GetValue(model)!;
            var loadTimer = Stopwatch.StartNew();
            ITokenizer tokenizer;
            try
            {
                tokenizer = Load(path.FullName);
            }
            catch (Exception e) when (e is GgufFormatException or TokenizerFormatException or NotSupportedTokenizerException or FileNotFoundException)
            {
                await Console.Error.WriteLineAsync($"hearth tokenize: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            var loadTime = loadTimer.Elapsed;

            using var input = new MemoryStream();
            await Console.OpenStandardInput().CopyToAsync(input, ct).ConfigureAwait(false);
            var encodeTimer = Stopwatch.StartNew();
            var ids = tokenizer.EncodeUtf8(input.GetBuffer().AsSpan(0, (int)input.Length), r.GetValue(bos), r.GetValue(special));
            var encodeTime = encodeTimer.Elapsed;

            var text = new StringBuilder(ids.Length * 6);
            for (var i = 0; i < ids.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(' ');
                }
                text.Append(ids[i].ToString(CultureInfo.InvariantCulture));
            }
            text.Append('\n');
            await Console.Out.WriteAsync(text.ToString().AsMemory(), ct).ConfigureAwait(false);
            if (r.GetValue(stats))
            {
                var seconds = Math.Max(encodeTime.TotalSeconds, 1e-9);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{ids.Length} tokens from {input.Length} bytes; load {loadTime.TotalMilliseconds:F0} ms; encode {encodeTime.TotalMilliseconds:F1} ms = {ids.Length / seconds:F0} tokens/s, {input.Length / seconds / 1e6:F1} MB/s")).ConfigureAwait(false);
            }
            return 0;
        });
        cli.Root.Subcommands.Add(cmd);
    }

    private static ITokenizer Load(string path)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return TokenizerFactory.FromHuggingFaceJson(path);
        }
        using var file = GgufFile.Open(path);
        return TokenizerFactory.FromGguf(file);
    }
}
