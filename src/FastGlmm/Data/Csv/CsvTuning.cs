namespace FastGlmm.Data.Csv;

/// <summary>
/// Internal knobs of the CSV engine. Tests shrink them to exercise segment and chunk
/// splitting on small inputs; production code uses <see cref="Default"/>.
/// </summary>
/// <param name="MaxSegmentBytes">Largest byte buffer held for one segment of the input.</param>
/// <param name="MinChunkBytes">Smallest body range parsed as one parallel chunk.</param>
/// <param name="ChunksPerWorker">Chunks per worker thread, for load balance.</param>
/// <param name="MaxParallelism">Worker threads.</param>
internal sealed record CsvTuning(int MaxSegmentBytes, int MinChunkBytes, int ChunksPerWorker, int MaxParallelism)
{
    public static CsvTuning Default { get; } = new(Array.MaxLength, 1 << 20, 4, Environment.ProcessorCount);

    public ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = Math.Max(1, MaxParallelism) };
}
