using System.Runtime.CompilerServices;

namespace FastGlmm.Cuda.Tests;

/// <summary>A fact that needs a usable CUDA device (or the CPU emulator, see <see cref="EmulatedDevice"/>); skipped, with the reason, when there is none.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (EmulatedDevice.Open(out var reason) is null) Skip = $"no usable CUDA device: {reason}";
    }
}

/// <summary>A theory that needs a usable CUDA device (or the CPU emulator); skipped, with the reason, when there is none.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (EmulatedDevice.Open(out var reason) is null) Skip = $"no usable CUDA device: {reason}";
    }
}
