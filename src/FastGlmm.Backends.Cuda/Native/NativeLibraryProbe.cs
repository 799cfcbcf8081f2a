using System.Runtime.InteropServices;

namespace FastGlmm.Backends.Cuda.Native;

/// <summary>
/// Finds and loads the CUDA driver (<c>libcuda.so.1</c>) and NVRTC (<c>libnvrtc.so*</c>). An environment
/// variable naming a file overrides the search (<see cref="DriverVariable"/>, <see cref="NvrtcVariable"/>);
/// otherwise the loader's usual paths are tried, then the usual CUDA install directories.
/// </summary>
internal static class NativeLibraryProbe
{
    /// <summary>Environment variable with the path of the CUDA driver library.</summary>
    public const string DriverVariable = "FASTGLMM_LIBCUDA";

    /// <summary>Environment variable with the path of the NVRTC library.</summary>
    public const string NvrtcVariable = "FASTGLMM_LIBNVRTC";

    private static readonly string[] LibraryDirectories =
    [
        "/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/cuda/lib64",
        "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/wsl/lib",
    ];

    /// <summary>Loads the driver library, or returns null with the reason.</summary>
    public static IntPtr? LoadDriver(out string reason) =>
        Load(DriverVariable, OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"], "the CUDA driver (libcuda.so.1)", out reason);

    /// <summary>Loads NVRTC, or returns null with the reason.</summary>
    public static IntPtr? LoadNvrtc(out string reason)
    {
        var names = new List<string>();
        if (OperatingSystem.IsWindows()) names.AddRange(["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"]);
        else
        {
            names.Add("libnvrtc.so");
            foreach (var v in new[] { "13", "12", "11.2" }) names.Add($"libnvrtc.so.{v}");
            // Versioned files in CUDA install directories (/usr/local/cuda-12.4/lib64/libnvrtc.so.12, …).
            var dirs = new List<string>(LibraryDirectories);
            if (Environment.GetEnvironmentVariable("CUDA_PATH") is { Length: > 0 } cp) dirs.Insert(0, Path.Combine(cp, "lib64"));
            if (Directory.Exists("/usr/local"))
                dirs.AddRange(Directory.EnumerateDirectories("/usr/local", "cuda*").Select(d => Path.Combine(d, "lib64")));
            foreach (var d in dirs.Where(Directory.Exists))
                names.AddRange(Directory.EnumerateFiles(d, "libnvrtc.so*").Where(f => !f.Contains("builtins")).OrderDescending());
        }
        return Load(NvrtcVariable, names, "NVRTC (libnvrtc.so)", out reason);
    }

    private static IntPtr? Load(string variable, IEnumerable<string> names, string what, out string reason)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path)
        {
            if (NativeLibrary.TryLoad(path, out var h)) { reason = ""; return h; }
            reason = $"{what} could not be loaded from {variable}={path}";
            return null;
        }
        var tried = new List<string>();
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out var h)) { reason = ""; return h; }
            tried.Add(name);
            if (!name.Contains('/') && !OperatingSystem.IsWindows())
                foreach (var d in LibraryDirectories)
                {
                    var full = Path.Combine(d, name);
                    if (File.Exists(full) && NativeLibrary.TryLoad(full, out h)) { reason = ""; return h; }
                }
        }
        reason = $"{what} was not found (set {variable} to its path)";
        return null;
    }
}
