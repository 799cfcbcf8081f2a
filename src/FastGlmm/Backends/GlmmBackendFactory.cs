using FastGlmm.Backends.Cpu;
using FastGlmm.Model;

namespace FastGlmm.Backends;

/// <summary>Creates a backend over a packed problem (the data are copied to the backend's device once, here).</summary>
public delegate IGlmmBackend GlmmBackendFactory(GlmmProblem problem);

/// <summary>The backends the core library itself provides.</summary>
public static class GlmmBackends
{
    /// <summary>The CPU backend (<see cref="CpuGlmmBackend"/>): the default, and the oracle of the parity checks.</summary>
    public static GlmmBackendFactory Cpu { get; } = CpuGlmmBackend.Create;
}
