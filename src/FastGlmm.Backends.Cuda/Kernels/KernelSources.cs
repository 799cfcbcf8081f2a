using System.Reflection;

namespace FastGlmm.Backends.Cuda.Kernels;

/// <summary>
/// The CUDA C sources of <c>kernels/</c>, embedded in this assembly as resources named
/// <c>kernels/&lt;file&gt;</c>: the <c>.cu</c> programs and the headers they include.
/// </summary>
public static class KernelSources
{
    private const string Prefix = "kernels/";

    /// <summary>The embedded file names (e.g. "glmm_rows.cu", "fastglmm_problem.h").</summary>
    public static IReadOnlyList<string> Files { get; } = typeof(KernelSources).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The headers (.h, .cuh) the programs may include.</summary>
    public static IEnumerable<string> Headers => Files.Where(f => f.EndsWith(".h", StringComparison.Ordinal) || f.EndsWith(".cuh", StringComparison.Ordinal));

    /// <summary>The text of one embedded file.</summary>
    public static string Read(string file)
    {
        using var s = typeof(KernelSources).Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new FileNotFoundException($"no embedded kernel source {file}");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
