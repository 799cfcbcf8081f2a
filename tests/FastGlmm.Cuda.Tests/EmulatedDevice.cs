using System.Diagnostics;
using System.Runtime.InteropServices;
using FastGlmm.Backends.Cuda;

namespace FastGlmm.Cuda.Tests;

/// <summary>
/// Where no CUDA driver is installed and clang++ is, builds <c>Emulator/cuda_emulator.cpp</c> (the kernels
/// compiled as C++ behind a CPU stand-in for the driver API and NVRTC) and points FASTGLMM_LIBCUDA and
/// FASTGLMM_LIBNVRTC at it before the backend first looks for a device. The CUDA tests then run the whole
/// backend, host code and kernel arithmetic, on the CPU. On a machine with a driver nothing changes: the real
/// device is used, or the tests skip.
/// </summary>
internal static class EmulatedDevice
{
    private static readonly Lazy<string> Setup = new(Build);

    /// <summary>Sets the emulator up if it applies; returns what was done, for skip messages.</summary>
    public static string Ensure() => Setup.Value;

    /// <summary>Whether the device in use is the emulator.</summary>
    public static bool Active => Ensure().StartsWith("emulator", StringComparison.Ordinal);

    /// <summary>A usable device (the GPU or the emulator), or null with the reason.</summary>
    public static CudaDevice? Open(out string reason)
    {
        var how = Ensure();
        var d = CudaDevice.TryOpen(out reason);
        if (d is null && how.Length > 0) reason += $" ({how})";
        return d;
    }

    /// <summary>A usable device, for tests that run only where one exists (<see cref="CudaFactAttribute"/>).</summary>
    public static CudaDevice Require() => Open(out var reason) ?? throw new InvalidOperationException(reason);

    private static string Build()
    {
        if (Environment.GetEnvironmentVariable("FASTGLMM_LIBCUDA") is { Length: > 0 }) return "";
        if (NativeLibrary.TryLoad("libcuda.so.1", out var h)) { NativeLibrary.Free(h); return ""; }
        if (!OperatingSystem.IsLinux()) return "no emulator: not Linux";
        string? compiler = new[] { Environment.GetEnvironmentVariable("CLANGXX"), "clang++-14", "clang++", "g++" }
            .FirstOrDefault(c => !string.IsNullOrEmpty(c) && Runs(c!, "--version"));
        if (compiler is null) return "no emulator: no C++ compiler (clang++-14) found";
        string dir = Path.Combine(Path.GetTempPath(), $"fastglmm-cuda-emulator-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string lib = Path.Combine(dir, "libfastglmm_cuda_emulator.so");
        string src = Path.Combine(AppContext.BaseDirectory, "Emulator", "cuda_emulator.cpp");
        string kernels = Path.Combine(AppContext.BaseDirectory, "kernels");
        if (!Runs(compiler, $"-std=c++17 -shared -fPIC -O2 -DFG_WARP=1 -I\"{kernels}\" \"{src}\" -o \"{lib}\"", out var log))
            return $"no emulator: {compiler} failed: {log}";
        Environment.SetEnvironmentVariable("FASTGLMM_LIBCUDA", lib);
        Environment.SetEnvironmentVariable("FASTGLMM_LIBNVRTC", lib);
        return $"emulator built with {compiler}";
    }

    private static bool Runs(string exe, string args) => Runs(exe, args, out _);

    private static bool Runs(string exe, string args, out string log)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(exe, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            log = p.StandardError.ReadToEnd() + p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            log = e.Message;
            return false;
        }
    }
}
