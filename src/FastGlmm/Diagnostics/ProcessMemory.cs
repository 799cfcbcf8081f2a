namespace FastGlmm.Diagnostics;

/// <summary>
/// Between the stages of a large run (table → model frame → fit → outputs), the previous stage's arrays are garbage;
/// the collector would keep them until its budget runs out, so that a 10⁷-row fit peaks at twice what it holds.
/// <see cref="Release"/> collects them at once and returns the memory to the system. It costs a few milliseconds
/// per 100 MB held (the arrays hold no references), and nothing for small data, where it is skipped.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Below this many bytes allocated since the last call, nothing is done.</summary>
    private const long Threshold = 64L << 20;

    private static long _allocatedAtLast;

    /// <summary>
    /// A full collection, when much was allocated since the last: by default compacting and decommitting the freed memory
    /// (between stages); with <paramref name="compact"/> false a plain blocking one that moves nothing (inside a loop).
    /// </summary>
    public static void Release(bool compact = true)
    {
        long allocated = GC.GetTotalAllocatedBytes();
        if (allocated - _allocatedAtLast < Threshold) return;
        if (compact) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        else GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        _allocatedAtLast = GC.GetTotalAllocatedBytes();
    }
}
