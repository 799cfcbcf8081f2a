using System.Runtime.InteropServices;

namespace FastGlmm.Backends.Cuda.Native;

/// <summary>
/// The CUDA driver API entry points FastGlmm uses, bound once from <c>libcuda</c> as unmanaged function
/// pointers. <see cref="Check"/> turns a nonzero CUresult into a <see cref="CudaException"/> naming the call.
/// Handles (CUcontext, CUmodule, CUfunction) are pointers; device pointers are 64-bit integers.
/// </summary>
internal sealed unsafe class CudaDriverApi
{
    public const int ErrorOutOfMemory = 2;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int AttributeMemoryClockRate = 36;
    public const int AttributeGlobalMemoryBusWidth = 37;
    public const int AttributeMultiprocessorCount = 16;

    public readonly delegate* unmanaged<uint, int> cuInit;
    public readonly delegate* unmanaged<int*, int> cuDriverGetVersion;
    public readonly delegate* unmanaged<int*, int> cuDeviceGetCount;
    public readonly delegate* unmanaged<int*, int, int> cuDeviceGet;
    public readonly delegate* unmanaged<byte*, int, int, int> cuDeviceGetName;
    public readonly delegate* unmanaged<int*, int, int, int> cuDeviceGetAttribute;
    public readonly delegate* unmanaged<nuint*, int, int> cuDeviceTotalMem;
    public readonly delegate* unmanaged<IntPtr*, int, int> cuDevicePrimaryCtxRetain;
    public readonly delegate* unmanaged<int, int> cuDevicePrimaryCtxRelease;
    public readonly delegate* unmanaged<IntPtr, int> cuCtxSetCurrent;
    public readonly delegate* unmanaged<int> cuCtxSynchronize;
    public readonly delegate* unmanaged<nuint*, nuint*, int> cuMemGetInfo;
    public readonly delegate* unmanaged<ulong*, nuint, int> cuMemAlloc;
    public readonly delegate* unmanaged<ulong, int> cuMemFree;
    public readonly delegate* unmanaged<ulong, void*, nuint, int> cuMemcpyHtoD;
    public readonly delegate* unmanaged<void*, ulong, nuint, int> cuMemcpyDtoH;
    public readonly delegate* unmanaged<ulong, byte, nuint, int> cuMemsetD8;
    public readonly delegate* unmanaged<IntPtr*, void*, int> cuModuleLoadData;
    public readonly delegate* unmanaged<IntPtr, int> cuModuleUnload;
    public readonly delegate* unmanaged<IntPtr*, IntPtr, byte*, int> cuModuleGetFunction;
    public readonly delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int> cuLaunchKernel;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorName;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorString;

    public CudaDriverApi(IntPtr lib)
    {
        cuInit = (delegate* unmanaged<uint, int>)Export(lib, "cuInit");
        cuDriverGetVersion = (delegate* unmanaged<int*, int>)Export(lib, "cuDriverGetVersion");
        cuDeviceGetCount = (delegate* unmanaged<int*, int>)Export(lib, "cuDeviceGetCount");
        cuDeviceGet = (delegate* unmanaged<int*, int, int>)Export(lib, "cuDeviceGet");
        cuDeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Export(lib, "cuDeviceGetName");
        cuDeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Export(lib, "cuDeviceGetAttribute");
        cuDeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)Export(lib, "cuDeviceTotalMem_v2", "cuDeviceTotalMem");
        cuDevicePrimaryCtxRetain = (delegate* unmanaged<IntPtr*, int, int>)Export(lib, "cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease = (delegate* unmanaged<int, int>)Export(lib, "cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease");
        cuCtxSetCurrent = (delegate* unmanaged<IntPtr, int>)Export(lib, "cuCtxSetCurrent");
        cuCtxSynchronize = (delegate* unmanaged<int>)Export(lib, "cuCtxSynchronize");
        cuMemGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)Export(lib, "cuMemGetInfo_v2", "cuMemGetInfo");
        cuMemAlloc = (delegate* unmanaged<ulong*, nuint, int>)Export(lib, "cuMemAlloc_v2", "cuMemAlloc");
        cuMemFree = (delegate* unmanaged<ulong, int>)Export(lib, "cuMemFree_v2", "cuMemFree");
        cuMemcpyHtoD = (delegate* unmanaged<ulong, void*, nuint, int>)Export(lib, "cuMemcpyHtoD_v2", "cuMemcpyHtoD");
        cuMemcpyDtoH = (delegate* unmanaged<void*, ulong, nuint, int>)Export(lib, "cuMemcpyDtoH_v2", "cuMemcpyDtoH");
        cuMemsetD8 = (delegate* unmanaged<ulong, byte, nuint, int>)Export(lib, "cuMemsetD8_v2", "cuMemsetD8");
        cuModuleLoadData = (delegate* unmanaged<IntPtr*, void*, int>)Export(lib, "cuModuleLoadData");
        cuModuleUnload = (delegate* unmanaged<IntPtr, int>)Export(lib, "cuModuleUnload");
        cuModuleGetFunction = (delegate* unmanaged<IntPtr*, IntPtr, byte*, int>)Export(lib, "cuModuleGetFunction");
        cuLaunchKernel = (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>)Export(lib, "cuLaunchKernel");
        cuGetErrorName = (delegate* unmanaged<int, byte**, int>)Export(lib, "cuGetErrorName");
        cuGetErrorString = (delegate* unmanaged<int, byte**, int>)Export(lib, "cuGetErrorString");
    }

    private static IntPtr Export(IntPtr lib, params string[] names)
    {
        foreach (var n in names)
            if (NativeLibrary.TryGetExport(lib, n, out var f)) return f;
        throw new CudaException($"the CUDA driver library has no {names[0]}; the driver is too old");
    }

    /// <summary>Throws a <see cref="CudaException"/> naming <paramref name="call"/> when <paramref name="result"/> is not CUDA_SUCCESS.</summary>
    public void Check(int result, string call)
    {
        if (result == 0) return;
        throw new CudaException($"CUDA call {call} failed: {ErrorText(result)}") { Code = result };
    }

    /// <summary>"CUDA_ERROR_NAME (description)" for a CUresult.</summary>
    public string ErrorText(int result)
    {
        byte* name = null, text = null;
        string n = cuGetErrorName(result, &name) == 0 && name != null ? Marshal.PtrToStringUTF8((IntPtr)name)! : $"CUresult {result}";
        string t = cuGetErrorString(result, &text) == 0 && text != null ? Marshal.PtrToStringUTF8((IntPtr)text)! : "";
        return t.Length > 0 ? $"{n} ({t})" : n;
    }
}
