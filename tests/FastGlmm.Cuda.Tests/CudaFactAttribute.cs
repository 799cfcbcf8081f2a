using FastGlmm.Backends.Cuda;

namespace FastGlmm.Cuda.Tests;

/// <summary>A fact that needs a usable CUDA device; skipped, with the reason, when there is none.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (CudaDevice.TryOpen(out var reason) is null) Skip = $"no usable CUDA device: {reason}";
    }
}

/// <summary>A theory that needs a usable CUDA device; skipped, with the reason, when there is none.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute()
    {
        if (CudaDevice.TryOpen(out var reason) is null) Skip = $"no usable CUDA device: {reason}";
    }
}
