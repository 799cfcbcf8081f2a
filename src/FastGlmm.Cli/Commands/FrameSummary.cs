using FastGlmm.Data.Frame;

namespace FastGlmm.Cli.Commands;

/// <summary>One random-effects term as shown by describe.</summary>
internal sealed record TermSummary(string Term, string Group, int Levels, IReadOnlyList<string> Columns);

/// <summary>The block partition as shown by describe.</summary>
internal sealed record BlockSummary(int Count, int LargestRows, int LargestLevels);

/// <summary>What describe prints, as text or JSON.</summary>
internal sealed record FrameSummary(
    string Data, string Formula, string Family, int RowsInput, int RowsUsed, int RowsDropped,
    string Response, string ResponseReading, bool Offset,
    IReadOnlyList<string> FixedEffects, IReadOnlyList<string> DroppedColumns,
    IReadOnlyList<TermSummary> RandomTerms, BlockSummary Blocks, IReadOnlyList<string> Messages)
{
    public static FrameSummary From(ModelFrame f, string source) => new(
        source, f.Formula.Text, f.Family.ToString(), f.InputRowCount, f.RowCount, f.DroppedRowCount,
        f.Response.Label, f.Response.Description, f.HasOffset,
        f.X.ColumnNames, f.X.DroppedColumns,
        f.RandomTerms.Select(t => new TermSummary(t.ToString(), t.Group, t.LevelCount, t.ColumnNames)).ToList(),
        new BlockSummary(f.Blocks.Count, f.Blocks.LargestBlockRows, f.Blocks.LargestBlockLevels),
        f.Messages);

    public void WriteText(TextWriter o)
    {
        o.WriteLine($"Data:      {Data} ({RowsInput} rows; {RowsUsed} used, {RowsDropped} dropped)");
        o.WriteLine($"Formula:   {Formula}");
        o.WriteLine($"Family:    {Family}");
        o.WriteLine($"Response:  {Response}  [{ResponseReading}]");
        if (Offset) o.WriteLine("Offset:    yes");
        o.WriteLine($"Fixed effects ({FixedEffects.Count} columns): {string.Join(", ", FixedEffects)}");
        if (DroppedColumns.Count > 0) o.WriteLine($"Dropped (aliased): {string.Join(", ", DroppedColumns)}");
        if (RandomTerms.Count == 0) o.WriteLine("Random effects: none");
        else
        {
            o.WriteLine("Random effects:");
            int w = Math.Max(4, RandomTerms.Max(t => t.Term.Length));
            int g = Math.Max(5, RandomTerms.Max(t => t.Group.Length));
            o.WriteLine($"  {"term".PadRight(w)}  {"group".PadRight(g)}  {"levels",7}  columns");
            foreach (var t in RandomTerms)
                o.WriteLine($"  {t.Term.PadRight(w)}  {t.Group.PadRight(g)}  {t.Levels,7}  {string.Join(", ", t.Columns)}");
        }
        o.WriteLine($"Blocks:    {Blocks.Count} independent block{(Blocks.Count == 1 ? "" : "s")}; the largest has {Blocks.LargestRows} row{(Blocks.LargestRows == 1 ? "" : "s")} and {Blocks.LargestLevels} random-effect level{(Blocks.LargestLevels == 1 ? "" : "s")}");
        foreach (var m in Messages) o.WriteLine("Note:      " + m);
    }
}
