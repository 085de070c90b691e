using System.Globalization;
using System.Text.Json;
using CsvHelper;

namespace Hearth.Routing.Evaluation;

/// <summary>What <see cref="RouteLlmImporter.Import"/> wrote.</summary>
/// <param name="Dataset">"gsm8k", "mmlu" or "mt_bench".</param>
/// <param name="OutputPath">The JSON Lines file written.</param>
/// <param name="Written">Examples written.</param>
/// <param name="ExcludedContaminated">Examples dropped because their prompt is listed as contaminated.</param>
public sealed record ImportedDataset(string Dataset, string OutputPath, int Written, int ExcludedContaminated);

/// <summary>
/// Converts RouteLLM's published outcomes (gsm8k and mmlu CSVs, mt_bench judgements) to Hearth's routing JSON Lines,
/// dropping every prompt listed in the folder's <c>contaminated_prompts.jsonl</c>.
/// MT-Bench: the first turn of each question; a model's answer counts as correct when the GPT-4 judge's single-answer
/// score for turn 1 is at least <see cref="MtBenchCorrectScore"/> (of 10).
/// </summary>
public static class RouteLlmImporter
{
    /// <summary>The weak model's column in RouteLLM's files.</summary>
    public const string WeakModel = "mistralai/Mixtral-8x7B-Instruct-v0.1";

    /// <summary>The strong model's column in RouteLLM's files.</summary>
    public const string StrongModel = "gpt-4-1106-preview";

    /// <summary>MT-Bench judge score (1–10) from which an answer counts as correct.</summary>
    public const int MtBenchCorrectScore = 8;

    /// <summary>Imports every dataset found under source into outputDirectory.</summary>
    /// <exception cref="RoutingDataException">A file is malformed or no dataset is found.</exception>
    public static IReadOnlyList<ImportedDataset> Import(string sourceDirectory, string outputDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var result = new List<ImportedDataset>();
        var gsm8k = Path.Combine(sourceDirectory, "gsm8k", "gsm8k_responses.csv");
        if (File.Exists(gsm8k))
        {
            var excluded = Contaminated(Path.Combine(sourceDirectory, "gsm8k"));
            result.Add(Write("gsm8k", outputDirectory, ReadCsv(gsm8k, withResponse: true), excluded));
        }
        var mmluDir = Path.Combine(sourceDirectory, "mmlu");
        if (Directory.Exists(mmluDir))
        {
            var excluded = Contaminated(mmluDir);
            var rows = new List<RoutingExample>();
            foreach (var file in Directory.GetFiles(mmluDir, "mmlu_*.csv").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows.AddRange(ReadCsv(file, withResponse: false));
            }
            result.Add(Write("mmlu", outputDirectory, rows, excluded));
        }
        var mtDir = Path.Combine(sourceDirectory, "mt_bench");
        if (File.Exists(Path.Combine(mtDir, "question.jsonl")))
        {
            result.Add(Write("mt_bench", outputDirectory, ReadMtBench(mtDir), Contaminated(mtDir)));
        }
        return result.Count > 0
            ? result
            : throw new RoutingDataException($"No RouteLLM data (gsm8k/, mmlu/, mt_bench/) found under '{sourceDirectory}'.");
    }

    private static ImportedDataset Write(string name, string outputDirectory, List<RoutingExample> rows, HashSet<string> contaminated)
    {
        var kept = rows.Where(r => !contaminated.Contains(Normalize(r.Prompt))).ToList();
        var path = Path.Combine(outputDirectory, name + ".jsonl");
        RoutingDataset.Write(path, kept);
        return new ImportedDataset(name, path, kept.Count, rows.Count - kept.Count);
    }

    /// <summary>Whitespace-normalized prompt text, the key contamination lists are matched on.</summary>
    internal static string Normalize(string prompt) => string.Join(' ', prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static HashSet<string> Contaminated(string directory)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var path = Path.Combine(directory, "contaminated_prompts.jsonl");
        if (!File.Exists(path))
        {
            return set;
        }
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("eval_prompt", out var p) && p.ValueKind == JsonValueKind.String)
                {
                    set.Add(Normalize(p.GetString()!));
                }
                else
                {
                    throw RoutingDataException.At(path, line, "eval_prompt", "missing or not a string");
                }
            }
            catch (JsonException e)
            {
                throw new RoutingDataException($"{path}:{line}: not valid JSON: {e.Message}", e);
            }
        }
        return set;
    }

    private static List<RoutingExample> ReadCsv(string path, bool withResponse)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            AllowLineBreaksInQuotes = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            MaxRecordSize = 16 * 1024 * 1024,
        };
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            var header = csv.Headers.ToArray();
            Require(header, path, "prompt");
            Require(header, path, WeakModel);
            Require(header, path, StrongModel);
            if (withResponse)
            {
                Require(header, path, WeakModel + "_response");
            }
            var rows = new List<RoutingExample>();
            long row = 1;
            while (csv.Read())
            {
                row++;
                rows.Add(new RoutingExample(
                    csv.GetString("prompt"),
                    Bool(csv.GetString(WeakModel), path, row, WeakModel),
                    Bool(csv.GetString(StrongModel), path, row, StrongModel),
                    withResponse ? csv.GetString(WeakModel + "_response") : null));
            }
            return rows;
        }
        catch (CsvFormatException e)
        {
            throw new RoutingDataException($"{path}: malformed CSV: {e.Message}", e);
        }
    }

    private static void Require(string[] header, string path, string column)
    {
        if (!header.Contains(column, StringComparer.Ordinal))
        {
            throw RoutingDataException.At(path, 1, column, "column missing from the header");
        }
    }

    private static double Bool(string? value, string path, long row, string column) => value?.Trim() switch
    {
        "True" or "true" or "1" or "1.0" => 1.0,
        "False" or "false" or "0" or "0.0" => 0.0,
        _ => throw RoutingDataException.At(path, row, column, $"expected True/False, got '{value}'"),
    };

    private static List<RoutingExample> ReadMtBench(string directory)
    {
        var questions = new Dictionary<int, string>();
        var qPath = Path.Combine(directory, "question.jsonl");
        long line = 0;
        foreach (var text in File.ReadLines(qPath))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            using var doc = ParseLine(text, qPath, line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("question_id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out _))
            {
                throw RoutingDataException.At(qPath, line, "question_id", "missing or not an integer");
            }
            if (!root.TryGetProperty("turns", out var turns) || turns.ValueKind != JsonValueKind.Array || turns.GetArrayLength() == 0 || turns[0].ValueKind != JsonValueKind.String)
            {
                throw RoutingDataException.At(qPath, line, "turns", "missing or not a non-empty array of strings");
            }
            questions[id.GetInt32()] = turns[0].GetString()!;
        }
        var scores = new Dictionary<(int Id, string Model), double>();
        var jPath = Path.Combine(directory, "judgements.jsonl");
        line = 0;
        foreach (var text in File.ReadLines(jPath))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            using var doc = ParseLine(text, jPath, line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("turn", out var turn) || turn.ValueKind != JsonValueKind.Number || turn.GetInt32() != 1)
            {
                continue;
            }
            var id = root.TryGetProperty("question_id", out var qid) && qid.ValueKind == JsonValueKind.Number && qid.TryGetInt32(out var parsed)
                ? parsed
                : throw RoutingDataException.At(jPath, line, "question_id", "missing or not an integer");
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()!
                : throw RoutingDataException.At(jPath, line, "model", "missing or not a string");
            var score = root.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number
                ? s.GetDouble()
                : throw RoutingDataException.At(jPath, line, "score", "missing or not a number");
            scores[(id, model)] = score;
        }
        var rows = new List<RoutingExample>();
        foreach (var (id, prompt) in questions.OrderBy(kv => kv.Key))
        {
            if (scores.TryGetValue((id, WeakModel), out var weak) && scores.TryGetValue((id, StrongModel), out var strong))
            {
                rows.Add(new RoutingExample(prompt, weak >= MtBenchCorrectScore ? 1 : 0, strong >= MtBenchCorrectScore ? 1 : 0));
            }
        }
        return rows;
    }

    private static JsonDocument ParseLine(string text, string path, long line)
    {
        try
        {
            var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw RoutingDataException.At(path, line, "(root)", "expected a JSON object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw new RoutingDataException($"{path}:{line}: not valid JSON: {e.Message}", e);
        }
    }
}
