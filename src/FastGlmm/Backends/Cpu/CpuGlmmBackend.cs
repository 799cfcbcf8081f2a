using FastGlmm.Families;
using FastGlmm.Model;

namespace FastGlmm.Backends.Cpu;

/// <summary>Creates the CPU backend, specialized by the JIT for the problem's family and link.</summary>
public static class CpuGlmmBackend
{
    /// <summary>A CPU backend over <paramref name="problem"/>.</summary>
    public static IGlmmBackend Create(GlmmProblem problem) =>
        FamilyDispatch.Run(problem.Family, new Factory(problem));

    private sealed class Factory(GlmmProblem problem) : IFamilyOperation<IGlmmBackend>
    {
        public IGlmmBackend Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution =>
            new CpuGlmmBackend<TLink, TDist>(problem);
    }
}
