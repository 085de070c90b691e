using System.CommandLine;
using System.Globalization;
using Hearth.Server.Backends;
using Hearth.Server.Configuration;
using Hearth.Server.Store;
using Spectre.Console;
using static Hearth.Cli.Commands.NodeSettings;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: models, show, rm (the models a node serves, and the local model files).</summary>
internal static class ModelsCommands
{
    public static void AddTo(CliContext cli)
    {
        cli.Root.Subcommands.Add(Models());
        cli.Root.Subcommands.Add(Show());
        cli.Root.Subcommands.Add(Remove());
    }

    private static Command Models()
    {
        var home = HomeOption();
        var config = ConfigOption();
        var cmd = new Command("models", "List the models this node serves (local GGUF files and configured upstream models).") { home, config };
        cmd.SetAction((ParseResult r) =>
        {
            var options = LoadOptions(r.GetValue(home), r.GetValue(config));
            if (options is null)
            {
                return ConfigError;
            }
            var table = new Table().AddColumns("name", "backend", "size", "architecture", "quantization", "modified");
            foreach (var m in new ModelCatalog(options).List())
            {
                var facts = m.FilePath is { } p ? ModelInspector.TryInspect(p) : null;
                table.AddRow(Markup.Escape(m.Id), Markup.Escape(m.Kind == BackendKind.Local ? "local" : "upstream " + m.OwnedBy),
                    m.Kind == BackendKind.Local ? FormatBytes(m.SizeBytes) : "-",
                    Markup.Escape(facts?.Details.Architecture ?? "-"), Markup.Escape(facts?.Details.QuantizationType ?? "-"),
                    m.Kind == BackendKind.Local ? m.ModifiedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-");
            }
            Terminal.Stdout.Write(table);
            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var name = new Argument<string>("model") { Description = "Model name." };
        var home = HomeOption();
        var cmd = new Command("show", "Describe a local model: architecture, parameters, quantization, context, template, file digest.") { name, home };
        cmd.SetAction((ParseResult r) =>
        {
            var store = new ModelStore(HearthHome.Resolve(r.GetValue(home)));
            var model = store.Find(r.GetValue(name)!);
            if (model?.FilePath is null)
            {
                Console.Error.WriteLine($"Model '{r.GetValue(name)}' not found in {store.ModelsDirectory}. Available: {string.Join(", ", store.List().Select(m => m.Id))}.");
                return 1;
            }
            ModelFileFacts facts;
            try
            {
                facts = ModelInspector.Inspect(model.FilePath);
            }
            catch (Hearth.Inference.Gguf.GgufFormatException e)
            {
                Console.Error.WriteLine($"{model.FilePath} is not a valid GGUF file: {e.Message}");
                return 1;
            }
            var d = facts.Details;
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string k, string v) => grid.AddRow(Markup.Escape(k), Markup.Escape(v));
            Row("name", model.Id);
            Row("file", model.FilePath);
            Row("size", FormatBytes(model.SizeBytes));
            Row("gguf version", facts.GgufVersion.ToString(CultureInfo.InvariantCulture));
            Row("architecture", d.Architecture);
            Row("parameters", d.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
            Row("quantization", d.QuantizationType);
            Row("context length", d.ContextLengthTokens.ToString(CultureInfo.InvariantCulture));
            Row("embedding length", d.EmbeddingLength.ToString(CultureInfo.InvariantCulture));
            Row("tensors", facts.TensorCount.ToString(CultureInfo.InvariantCulture));
            Row("tokenizer", facts.TokenizerModel ?? "-");
            Row("chat template", d.ChatTemplate is null ? "none (ChatML fallback)" : $"{d.ChatTemplate.Length} chars");
            Row("tool calls", facts.ToolCallFormat);
            Terminal.Stdout.Write(grid);
            return 0;
        });
        return cmd;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("model") { Description = "Model name." };
        var home = HomeOption();
        var cmd = new Command("rm", "Delete a local model file.") { name, home };
        cmd.SetAction((ParseResult r) =>
        {
            var store = new ModelStore(HearthHome.Resolve(r.GetValue(home)));
            if (!store.Delete(r.GetValue(name)!))
            {
                Console.Error.WriteLine($"Model '{r.GetValue(name)}' not found in {store.ModelsDirectory}.");
                return 1;
            }
            Console.Out.WriteLine($"deleted {r.GetValue(name)}");
            return 0;
        });
        return cmd;
    }
}
