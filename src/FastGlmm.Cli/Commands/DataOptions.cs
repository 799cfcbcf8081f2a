using System.CommandLine;
using FastGlmm.Data;
using FastGlmm.Data.Csv;
using FastGlmm.Datasets;

namespace FastGlmm.Cli.Commands;

/// <summary>The options shared by every command that reads data: --data, --factor, --levels, --levels-file.</summary>
internal sealed class DataOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = "A CSV, Parquet (.parquet) or Arrow IPC (.arrow, .feather) file, or the name of a built-in data set (see 'fastglmm datasets')",
        Required = true,
    };

    public Option<string[]> Factor { get; } = new("--factor")
    {
        Description = "Treat a column as a factor (R's factor(x)); repeatable",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Levels { get; } = new("--levels")
    {
        Description = "Set a factor's level order, col=a,b,c (first = reference level); repeatable",
    };

    public Option<string?> LevelsFile { get; } = new("--levels-file")
    {
        Description = "JSON file of level orders: {\"factor_levels\": {\"col\": [\"a\", \"b\"]}}",
    };

    public void AddTo(Command c)
    {
        c.Options.Add(Data);
        c.Options.Add(Factor);
        c.Options.Add(Levels);
        c.Options.Add(LevelsFile);
    }

    /// <summary>
    /// Loads the table and applies --levels-file, --factor and --levels, in that order. With <paramref name="needed"/>
    /// (the columns a formula and the weights use), a columnar file (Parquet, Arrow) decodes only those and the columns
    /// --factor and --levels name; a CSV file is read whole.
    /// </summary>
    public DataTable Load(ParseResult r, IEnumerable<string>? needed = null)
    {
        HashSet<string>? columns = null;
        if (needed is not null)
        {
            columns = new HashSet<string>(needed, StringComparer.Ordinal);
            foreach (var f in r.GetValue(Factor) ?? []) columns.Add(f);
            foreach (var s in r.GetValue(Levels) ?? []) columns.Add(FastGlmm.Data.LevelsFile.ParseSpec(s).Column);
            if (r.GetValue(LevelsFile) is not null) columns = null; // its columns are known only once it is read
        }
        var table = Open(r.GetValue(Data)!, columns);
        if (r.GetValue(LevelsFile) is { } lf) table = table.WithLevels(FastGlmm.Data.LevelsFile.Read(lf));
        if (r.GetValue(Factor) is { Length: > 0 } factors)
            foreach (var f in factors)
            {
                if (!table.TryGetColumn(f, out _)) throw new UserInputException($"--factor {f}: {table.Source} has no column '{f}'");
                table = table.AsFactors([f]);
            }
        if (r.GetValue(Levels) is { Length: > 0 } specs)
        {
            var dict = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var s in specs) { var (col, lv) = FastGlmm.Data.LevelsFile.ParseSpec(s); dict[col] = lv; }
            table = table.WithLevels(dict);
        }
        return table;
    }

    /// <summary>Reads a CSV file, or loads the built-in data set of that name (a file of that name wins).</summary>
    public static DataTable Open(string data, IReadOnlySet<string>? columns = null)
    {
        if (File.Exists(data))
            return Path.GetExtension(data).ToLowerInvariant() switch
            {
                ".parquet" => FastGlmm.Data.Parquet.ParquetTableReader.Read(data, columns),
                ".arrow" or ".feather" or ".ipc" or ".arrows" => FastGlmm.Data.Arrow.ArrowTableReader.Read(data, columns),
                _ => CsvReader.ReadFile(data),
            };
        if (BuiltInDatasets.Contains(data)) return BuiltInDatasets.Load(data);
        if (Directory.Exists(data)) throw new UserInputException($"{data}: is a directory, not a CSV file");
        throw new UserInputException(
            $"{data}: file not found, and not a built-in data set ({string.Join(", ", BuiltInDatasets.All.Select(d => d.Name))})");
    }
}
