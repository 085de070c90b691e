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
        var model = OptionRules.ExistingFile("--model", "-m", "A GGUF model or vocabulary file, or a Hugging Face tokenizer.json.");
        var bos = new Option<bool>("--bos") { Description = "Prepend the BOS token." };
        var special = new Option<bool>("--special") { Description = "Parse special tokens written in the text (e.g. <|im_start|>)." };
        var stats = new Option<bool>("--stats") { Description = "Print token count, load time and encode speed to stderr." };
        var cmd = new Command("tokenize", "Read stdin as raw bytes and print its token ids, separated by spaces (invalid UTF-8 becomes byte tokens).")
        {
            model, bos, special, stats,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var path = r.GetValue(model)!;
            var loadTimer = Stopwatch.StartNew();
            var tokenizer = Load(path.FullName);
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
            return ExitCodes.Success;
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
