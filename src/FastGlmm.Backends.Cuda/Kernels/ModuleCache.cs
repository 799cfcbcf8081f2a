using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// Compiles each embedded <c>kernels/*.cu</c> program once per process with NVRTC, to a cubin for the
/// device's exact architecture (<c>--gpu-architecture=sm_XY</c>, fp64, no FMA contraction so that results
/// follow the CPU's rounding more closely), loads it with cuModuleLoadData and hands out its kernels.
/// A compile error throws <see cref="CudaException"/> with NVRTC's log.
/// </summary>
internal sealed unsafe class ModuleCache(CudaDevice device)
{
    private readonly ConcurrentDictionary<string, IntPtr> _modules = new();
    private readonly ConcurrentDictionary<(string, string), IntPtr> _functions = new();

    /// <summary>The kernel <paramref name="name"/> (an <c>extern "C"</c> function) of program <paramref name="file"/>.</summary>
    public IntPtr Function(string file, string name) => _functions.GetOrAdd((file, name), key =>
    {
        var module = _modules.GetOrAdd(key.Item1, Load);
        IntPtr f;
        var bytes = Encoding.UTF8.GetBytes(key.Item2 + "\0");
        fixed (byte* n = bytes)
            device.Driver.Check(device.Driver.cuModuleGetFunction(&f, module, n), $"cuModuleGetFunction({key.Item2})");
        return f;
    });

    private IntPtr Load(string file)
    {
        var cubin = Compile(file);
        device.MakeCurrent();
        IntPtr module;
        fixed (byte* image = cubin) device.Driver.Check(device.Driver.cuModuleLoadData(&module, image), $"cuModuleLoadData({file})");
        return module;
    }

    /// <summary>NVRTC-compiles one program to a cubin for this device.</summary>
    public byte[] Compile(string file)
    {
        var nv = device.Nvrtc;
        var headers = Kernels.KernelSources.Headers.ToArray();
        var handles = new List<GCHandle>();
        byte* Pin(string s)
        {
            var h = GCHandle.Alloc(Encoding.UTF8.GetBytes(s + "\0"), GCHandleType.Pinned);
            handles.Add(h);
            return (byte*)h.AddrOfPinnedObject();
        }
        try
        {
            var headerText = stackalloc byte*[Math.Max(1, headers.Length)];
            var headerName = stackalloc byte*[Math.Max(1, headers.Length)];
            for (int i = 0; i < headers.Length; i++)
            {
                headerText[i] = Pin(Kernels.KernelSources.Read(headers[i]));
                headerName[i] = Pin(headers[i]);
            }
            IntPtr prog;
            nv.Check(nv.nvrtcCreateProgram(&prog, Pin(Kernels.KernelSources.Read(file)), Pin(file), headers.Length, headerText, headerName),
                $"nvrtcCreateProgram({file})");
            try
            {
                var (major, minor) = device.ComputeCapability;
                string[] options = [$"--gpu-architecture=sm_{major}{minor}", "--std=c++17", "--fmad=false", "-default-device"];
                var opts = stackalloc byte*[options.Length];
                for (int i = 0; i < options.Length; i++) opts[i] = Pin(options[i]);
                int r = nv.nvrtcCompileProgram(prog, options.Length, opts);
                if (r != 0)
                {
                    nuint size;
                    nv.nvrtcGetProgramLogSize(prog, &size);
                    var log = new byte[(int)size];
                    fixed (byte* l = log) nv.nvrtcGetProgramLog(prog, l);
                    throw new CudaException($"NVRTC could not compile {file} for sm_{major}{minor}:\n{Encoding.UTF8.GetString(log).TrimEnd('\0', '\n')}") { Code = r };
                }
                nuint bytes;
                nv.Check(nv.nvrtcGetCUBINSize(prog, &bytes), "nvrtcGetCUBINSize");
                var cubin = new byte[(int)bytes];
                fixed (byte* c = cubin) nv.Check(nv.nvrtcGetCUBIN(prog, c), "nvrtcGetCUBIN");
                return cubin;
            }
            finally { nv.nvrtcDestroyProgram(&prog); }
        }
        finally
        {
            foreach (var h in handles) h.Free();
        }
    }
}
