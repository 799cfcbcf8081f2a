namespace FastGlmm.Backends.Cuda;

/// <summary>A CUDA driver or NVRTC call failed; the message names the call and the error.</summary>
public class CudaException(string message) : Exception(message)
{
    /// <summary>The failed call's result code (CUresult or nvrtcResult), 0 when not from a call.</summary>
    public int Code { get; init; }
}

/// <summary>A device allocation failed; the message says how much was needed and how much was free.</summary>
public sealed class CudaOutOfMemoryException(string message) : CudaException(message);
