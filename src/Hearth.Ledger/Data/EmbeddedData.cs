using System.Globalization;

namespace Hearth.Ledger.Data;

/// <summary>Reads the small CSV files embedded from <c>Data/</c> (lines starting with <c>#</c> are provenance comments).</summary>
internal static class EmbeddedData
{
    /// <summary>Rows of an embedded CSV as header-keyed dictionaries (simple CSV: no quoted commas).</summary>
    public static IReadOnlyList<Dictionary<string, string>> ReadCsv(string fileName)
    {
        var name = "Hearth.Ledger.Data." + fileName;
        using var stream = typeof(EmbeddedData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded data '{name}' is missing from the Hearth.Ledger assembly.");
        using var reader = new StreamReader(stream);
        return ParseCsv(reader, fileName);
    }

    internal static List<Dictionary<string, string>> ParseCsv(TextReader reader, string source)
    {
        string[]? header = null;
        var rows = new List<Dictionary<string, string>>();
        var lineNo = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var cells = line.Split(',');
            if (header is null)
            {
                header = cells;
                continue;
            }
            if (cells.Length != header.Length)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source} line {lineNo}: {cells.Length} cells, header has {header.Length}."));
            }
            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = cells[i];
            }
            rows.Add(row);
        }
        return rows;
    }

    public static double Number(Dictionary<string, string> row, string column, string source) =>
        double.TryParse(row[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{source}: column {column} value '{row[column]}' is not a number.");
}
