using System.Runtime.InteropServices;

namespace FastGlmm.Backends.Cuda.Native;

/// <summary>The NVRTC entry points FastGlmm uses, bound once as unmanaged function pointers.</summary>
internal sealed unsafe class NvrtcApi
{
    public readonly delegate* unmanaged<int*, int*, int> nvrtcVersion;
    public readonly delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int> nvrtcCreateProgram;
    public readonly delegate* unmanaged<IntPtr, int, byte**, int> nvrtcCompileProgram;
    public readonly delegate* unmanaged<IntPtr, nuint*, int> nvrtcGetProgramLogSize;
    public readonly delegate* unmanaged<IntPtr, byte*, int> nvrtcGetProgramLog;
    public readonly delegate* unmanaged<IntPtr, nuint*, int> nvrtcGetCUBINSize;
    public readonly delegate* unmanaged<IntPtr, byte*, int> nvrtcGetCUBIN;
    public readonly delegate* unmanaged<IntPtr*, int> nvrtcDestroyProgram;
    public readonly delegate* unmanaged<int, byte*> nvrtcGetErrorString;

    public NvrtcApi(IntPtr lib)
    {
        nvrtcVersion = (delegate* unmanaged<int*, int*, int>)Export(lib, "nvrtcVersion");
        nvrtcCreateProgram = (delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int>)Export(lib, "nvrtcCreateProgram");
        nvrtcCompileProgram = (delegate* unmanaged<IntPtr, int, byte**, int>)Export(lib, "nvrtcCompileProgram");
        nvrtcGetProgramLogSize = (delegate* unmanaged<IntPtr, nuint*, int>)Export(lib, "nvrtcGetProgramLogSize");
        nvrtcGetProgramLog = (delegate* unmanaged<IntPtr, byte*, int>)Export(lib, "nvrtcGetProgramLog");
        nvrtcGetCUBINSize = (delegate* unmanaged<IntPtr, nuint*, int>)Export(lib, "nvrtcGetCUBINSize");
        nvrtcGetCUBIN = (delegate* unmanaged<IntPtr, byte*, int>)Export(lib, "nvrtcGetCUBIN");
        nvrtcDestroyProgram = (delegate* unmanaged<IntPtr*, int>)Export(lib, "nvrtcDestroyProgram");
        nvrtcGetErrorString = (delegate* unmanaged<int, byte*>)Export(lib, "nvrtcGetErrorString");
    }

    private static IntPtr Export(IntPtr lib, string name) =>
        NativeLibrary.TryGetExport(lib, name, out var f) ? f
            : throw new CudaException($"the NVRTC library has no {name}; NVRTC 11.2 or newer is needed");

    /// <summary>Throws a <see cref="CudaException"/> naming <paramref name="call"/> when <paramref name="result"/> is not NVRTC_SUCCESS.</summary>
    public void Check(int result, string call)
    {
        if (result == 0) return;
        var text = Marshal.PtrToStringUTF8((IntPtr)nvrtcGetErrorString(result)) ?? $"nvrtcResult {result}";
        throw new CudaException($"NVRTC call {call} failed: {text}") { Code = result };
    }
}
