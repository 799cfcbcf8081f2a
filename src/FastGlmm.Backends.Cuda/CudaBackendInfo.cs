namespace FastGlmm.Backends.Cuda;

/// <summary>
/// Placeholder for the CUDA backend (kernels in <c>kernels/*.cu</c>, compiled at run time with NVRTC
/// and launched through the CUDA driver API). It reports itself unavailable until that issue lands.
/// </summary>
public static class CudaBackendInfo
{
    /// <summary>Always false for now: the CUDA backend is not implemented yet.</summary>
    public static bool IsImplemented => false;
}
