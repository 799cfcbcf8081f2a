using System.Runtime.InteropServices;

namespace FastGlmm.Backends.Cuda.Kernels;

/// <summary>
/// The C# twin of <c>fg_importance</c> in <c>kernels/fastglmm_importance.h</c>, passed by value to every
/// Monte Carlo likelihood kernel: device pointers (CUdeviceptr), then sizes. Field names are the header's in
/// PascalCase, in the same order; a test checks them.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ImportanceParameters
{
    public ulong X, Z, Slot, Y, Wt, Offset, Beta, Precision, Fixed;
    public ulong RowOff, DrawOff, Draws, LogProp, Stats, TermLevels, TermQ, TermOff;
    public ulong Lw, PerDraw, BlockMax, Partial, Sums, Moments;
    public int N, P, K, Nb;
    public int M, Nt, Terms, Family;
    public int Chunks, Pad;
}
