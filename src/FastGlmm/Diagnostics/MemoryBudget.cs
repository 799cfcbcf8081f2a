using FastGlmm.Data.Frame;

namespace FastGlmm.Diagnostics;

/// <summary>
/// What a fit will hold, stated and checked before its large arrays are allocated. Per row the model frame holds y,
/// the prior weights (shared with an intercept-only Z when all are 1), X (8p bytes), each term's Z_t (8q_t) and level
/// (4) and the input row (4); the packed problem adds the slots (4K, K = Σq_t) and a row-major Z (8K, unless one
/// scalar term); the backend adds η₀ and ZΛ (8 + 8K) and, for a GLM start or a non-Bernoulli binomial response, one
/// more value (8). Bytes = rows × that sum, plus the dense part of the largest block's factor (m² doubles, or the
/// trailing part's of a blocked factor: 800 MB for 10,000 crossed levels) in <see cref="DenseCopies"/> copies; the other
/// per-block and per-level parts are small beside these.
/// </summary>
public static class MemoryBudget
{
    private static readonly AsyncLocal<long?> _availableOverride = new();

    /// <summary>For tests: the bytes <see cref="Available"/> reports in this asynchronous flow (null: the real value).</summary>
    internal static long? AvailableOverride { get => _availableOverride.Value; set => _availableOverride.Value = value; }

    /// <summary>Bytes the process may still use: the GC's limit (physical memory, a container's limit or DOTNET_GCHeapHardLimit) less what it holds.</summary>
    public static long Available()
    {
        if (AvailableOverride is { } o) return o;
        var info = GC.GetGCMemoryInfo();
        return Math.Max(0, info.TotalAvailableMemoryBytes - GC.GetTotalMemory(false));
    }

    /// <summary>Bytes per row the model frame holds (already allocated when a fit starts).</summary>
    public static long FrameBytesPerRow(ModelFrame frame)
    {
        int p = frame.X.Columns, k = frame.RandomTerms.Sum(t => t.ColumnCount);
        return 8 + 8 + 8L * p + 8L * k + 4L * frame.RandomTerms.Count + 4;
    }

    /// <summary>Bytes per row a fit adds to its frame: the packed problem and the backend's per-row state.</summary>
    public static long FitBytesPerRow(ModelFrame frame)
    {
        int k = frame.RandomTerms.Sum(t => t.ColumnCount);
        bool sharedZ = frame.RandomTerms.Count == 1 && k == 1;
        long problem = 4L * k + (sharedZ ? 0 : 8L * k);
        long backend = frame.Family.IsLinearMixedModel ? 8 + 8L * k : 8 + 8L * k + 8;
        return problem + backend;
    }

    /// <summary>
    /// Refuses, before any work, a fit whose per-row arrays will not fit in the memory left, with a one-line error
    /// stating the bytes needed and available; returns the note <c>--verbose</c> prints.
    /// </summary>
    /// <exception cref="UserInputException">The fit needs more than <see cref="Available"/>.</exception>
    public static string Check(ModelFrame frame)
    {
        long n = frame.RowCount, rows = n * FitBytesPerRow(frame), dense = DenseCopies * Likelihood.CrossedBlock.LargestDenseBytes(frame);
        long need = rows + dense, have = Available();
        string factor = dense >= 1_000_000 ? $"{Format(dense)} for the factor's dense part ({DenseCopies} copies: the factor, its work and its inverse)" : "";
        string note = $"memory: the model frame holds about {Format(n * FrameBytesPerRow(frame))} ({FrameBytesPerRow(frame)} bytes per row); " +
            $"the fit adds about {Format(rows)} ({FitBytesPerRow(frame)} bytes per row){(factor.Length > 0 ? " and " + factor : "")}; {Format(have)} available";
        if (need > have)
            throw new UserInputException($"not enough memory: the fit of {n} rows needs about {Format(need)} more " +
                $"({FitBytesPerRow(frame)} bytes per row{(factor.Length > 0 ? ", and " + factor : "")}) and {Format(have)} are available; fit fewer rows, or free memory");
        return note;
    }

    /// <summary>
    /// Copies of the largest dense factor part a fit holds at once: the factor being formed, the one kept from the last
    /// evaluation, and the inverse the LMM gradient takes.
    /// </summary>
    public const int DenseCopies = 3;

    /// <summary>Bytes as "1.23 GB" or "456 MB" (decimal units).</summary>
    public static string Format(long bytes) => bytes >= 1_000_000_000 ? $"{bytes / 1e9:F2} GB" : $"{bytes / 1e6:F0} MB";
}
