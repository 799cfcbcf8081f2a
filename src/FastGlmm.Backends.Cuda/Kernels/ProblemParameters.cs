using System.Runtime.InteropServices;

namespace FastGlmm.Backends.Cuda.Kernels;

/// <summary>
/// The C# twin of <c>fg_problem</c> in <c>kernels/fastglmm_problem.h</c>, passed by value to every kernel:
/// device pointers (CUdeviceptr) to one problem's data and per-block state (stacked for <see cref="Reps"/>
/// replicates, the launch working on the <see cref="Nlist"/> blocks of <see cref="List"/>), then its sizes and
/// family codes. Field names are the header's in PascalCase, in the same order; a test checks them.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProblemParameters
{
    public ulong X, Zl, Z, Slot, Y, Wt, Offset, Eta0;
    public ulong RowOff, UOff, AOff, COff;
    public ulong U, Cand, Rhs, A, C, Logdet, Joint, Beta;
    public ulong Factors, FactorOff, EntryTerm, EntryCol, TermQ, List;
    public int N, P, K, Nb;
    public int Family, Link;
    public int Terms, Reps;
    public int Nlist, Pad;
}
