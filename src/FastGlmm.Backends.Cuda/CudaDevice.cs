using System.Text;
using FastGlmm.Backends.Cuda.Native;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// The process's CUDA device 0 with its primary context, opened once: the driver and NVRTC libraries, the
/// device's name, compute capability, memory and peak bandwidth. <see cref="TryOpen"/> never throws: with no
/// usable device it returns null and the reason (no driver, no device, no NVRTC, an initialization error).
/// </summary>
public sealed unsafe class CudaDevice
{
    private static readonly Lazy<(CudaDevice? Device, string Reason)> Shared = new(OpenShared);

    private CudaDevice(CudaDriverApi driver, NvrtcApi nvrtc, int ordinal, IntPtr context)
    {
        Driver = driver;
        Nvrtc = nvrtc;
        Ordinal = ordinal;
        Context = context;
        var name = stackalloc byte[256];
        driver.Check(driver.cuDeviceGetName(name, 256, ordinal), "cuDeviceGetName");
        Name = Encoding.UTF8.GetString(name, new ReadOnlySpan<byte>(name, 256).IndexOf((byte)0));
        ComputeCapability = (Attribute(CudaDriverApi.AttributeComputeCapabilityMajor), Attribute(CudaDriverApi.AttributeComputeCapabilityMinor));
        nuint total;
        driver.Check(driver.cuDeviceTotalMem(&total, ordinal), "cuDeviceTotalMem");
        TotalMemory = (long)total;
        // Peak DRAM bandwidth: 2 transfers per memory clock (kHz) × bus width (bits) / 8.
        PeakBandwidth = 2.0 * Attribute(CudaDriverApi.AttributeMemoryClockRate) * 1e3 * Attribute(CudaDriverApi.AttributeGlobalMemoryBusWidth) / 8;
        int major = 0, minor = 0;
        nvrtc.Check(nvrtc.nvrtcVersion(&major, &minor), "nvrtcVersion");
        NvrtcVersion = $"{major}.{minor}";
        int dv = 0;
        driver.Check(driver.cuDriverGetVersion(&dv), "cuDriverGetVersion");
        DriverVersion = $"{dv / 1000}.{dv % 1000 / 10}";
        Modules = new ModuleCache(this);
    }

    /// <summary>The shared device, or null when none is usable (then <paramref name="reason"/> says why).</summary>
    public static CudaDevice? TryOpen(out string reason)
    {
        var (d, r) = Shared.Value;
        reason = r;
        return d;
    }

    /// <summary>The shared device; throws a <see cref="CudaException"/> with the reason when none is usable.</summary>
    public static CudaDevice Open() => TryOpen(out var reason) ?? throw new CudaException($"no usable CUDA device: {reason}");

    private static (CudaDevice?, string) OpenShared()
    {
        try
        {
            if (NativeLibraryProbe.LoadDriver(out var why) is not { } lib) return (null, why);
            var driver = new CudaDriverApi(lib);
            int r = driver.cuInit(0);
            if (r != 0) return (null, $"cuInit failed: {driver.ErrorText(r)}");
            int count = 0;
            driver.Check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount");
            if (count == 0) return (null, "the CUDA driver reports no device");
            if (NativeLibraryProbe.LoadNvrtc(out why) is not { } nvlib) return (null, why);
            var nvrtc = new NvrtcApi(nvlib);
            int dev = 0;
            driver.Check(driver.cuDeviceGet(&dev, 0), "cuDeviceGet");
            IntPtr ctx;
            driver.Check(driver.cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
            driver.Check(driver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
            return (new CudaDevice(driver, nvrtc, dev, ctx), "");
        }
        catch (CudaException e) { return (null, e.Message); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return (null, e.Message);
        }
    }

    internal CudaDriverApi Driver { get; }

    internal NvrtcApi Nvrtc { get; }

    internal ModuleCache Modules { get; }

    /// <summary>The device ordinal (0).</summary>
    public int Ordinal { get; }

    internal IntPtr Context { get; }

    /// <summary>The device's name, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string Name { get; }

    /// <summary>(major, minor) compute capability.</summary>
    public (int Major, int Minor) ComputeCapability { get; }

    /// <summary>Device memory in bytes.</summary>
    public long TotalMemory { get; }

    /// <summary>Peak DRAM bandwidth in bytes per second, from the memory clock and bus width.</summary>
    public double PeakBandwidth { get; }

    /// <summary>NVRTC's version, "major.minor".</summary>
    public string NvrtcVersion { get; }

    /// <summary>The driver's CUDA version, "major.minor".</summary>
    public string DriverVersion { get; }

    /// <summary>Free device memory in bytes now.</summary>
    public long FreeMemory
    {
        get
        {
            MakeCurrent();
            nuint free, total;
            Driver.Check(Driver.cuMemGetInfo(&free, &total), "cuMemGetInfo");
            return (long)free;
        }
    }

    /// <summary>Makes the primary context current on the calling thread (the driver API's context is per thread).</summary>
    internal void MakeCurrent() => Driver.Check(Driver.cuCtxSetCurrent(Context), "cuCtxSetCurrent");

    /// <summary>Waits for all launched work; a kernel fault surfaces here.</summary>
    public void Synchronize() => Driver.Check(Driver.cuCtxSynchronize(), "cuCtxSynchronize");

    private int Attribute(int attribute)
    {
        int v = 0;
        Driver.Check(Driver.cuDeviceGetAttribute(&v, attribute, Ordinal), $"cuDeviceGetAttribute({attribute})");
        return v;
    }

    /// <summary>One line describing the device, the driver and NVRTC.</summary>
    public override string ToString() =>
        $"{Name} (sm_{ComputeCapability.Major}{ComputeCapability.Minor}, {TotalMemory / (1 << 20)} MiB, {PeakBandwidth / 1e9:F0} GB/s peak; driver CUDA {DriverVersion}, NVRTC {NvrtcVersion})";
}
