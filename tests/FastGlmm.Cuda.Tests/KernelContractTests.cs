using System.Reflection;
using System.Text.RegularExpressions;
using FastGlmm.Backends.Cuda;
using FastGlmm.Backends.Cuda.Kernels;

namespace FastGlmm.Cuda.Tests;

/// <summary>
/// The contract between the C# host code and the kernels, checked without a GPU: the parameter struct
/// matches the header field by field, every kernel the host launches exists in the embedded sources, and
/// the embedded sources are the files of kernels/.
/// </summary>
public class KernelContractTests
{
    /// <summary>
    /// The CUDA backend's C# sources: found above the build output (tests/…/bin/…), or above FASTGLMM_REPO when the
    /// test program runs published elsewhere (benchmarks/gpu/run.sh sets it to the repository root).
    /// </summary>
    private static string BackendSources()
    {
        var starts = new[] { Environment.GetEnvironmentVariable("FASTGLMM_REPO"), AppContext.BaseDirectory }.OfType<string>();
        foreach (var start in starts)
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "FastGlmm.sln")))
                    return Path.Combine(d.FullName, "src", "FastGlmm.Backends.Cuda");
        throw new DirectoryNotFoundException($"the repository (FastGlmm.sln) is not above {AppContext.BaseDirectory}; set FASTGLMM_REPO to the repository root");
    }

    private static string Kernels(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "kernels", file));

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    [Fact]
    public void ProblemParameters_MatchesHeaderStruct() => AssertStructMatches<ProblemParameters>("fastglmm_problem.h", "fg_problem");

    [Fact]
    public void ImportanceParameters_MatchesHeaderStruct() => AssertStructMatches<ImportanceParameters>("fastglmm_importance.h", "fg_importance");

    private static void AssertStructMatches<T>(string file, string name) where T : struct
    {
        string header = Kernels(file);
        var body = Regex.Match(header, $@"typedef struct {name} \{{(.*?)\}} {name};", RegexOptions.Singleline).Groups[1].Value;
        Assert.False(string.IsNullOrWhiteSpace(body), $"no struct {name} in {file}");
        var fields = new List<(string Name, bool Pointer)>();
        foreach (var raw in body.Split('\n'))
        {
            var line = Regex.Replace(raw, "//.*", "").Trim();
            if (line.Length == 0) continue;
            var m = Regex.Match(line, @"^(const\s+)?(double|int|long long)\s*(\*?)\s*(.*);$");
            Assert.True(m.Success, $"unparsed header line: {line}");
            bool pointer = m.Groups[3].Value == "*";
            foreach (var field in m.Groups[4].Value.Split(',')) fields.Add((field.Trim().TrimStart('*'), pointer || field.Trim().StartsWith('*')));
        }
        var cs = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => System.Runtime.InteropServices.Marshal.OffsetOf<T>(f.Name)).ToArray();
        Assert.Equal(fields.Select(f => Pascal(f.Name)), cs.Select(f => f.Name));
        for (int i = 0; i < cs.Length; i++) Assert.Equal(fields[i].Pointer ? typeof(ulong) : typeof(int), cs[i].FieldType);
        Assert.Equal(0, System.Runtime.InteropServices.Marshal.SizeOf<T>() % 8);
    }

    [Fact]
    public void Limits_MatchHeader()
    {
        string header = Kernels("fastglmm_problem.h");
        Assert.Equal(CudaGlmmBackend.MaxBlockSize, int.Parse(Regex.Match(header, @"#define FG_MAX_M (\d+)").Groups[1].Value));
        Assert.Equal(CudaGlmmBackend.MaxFixedEffects, int.Parse(Regex.Match(header, @"#define FG_MAX_P (\d+)").Groups[1].Value));
        string importance = Kernels("fastglmm_importance.h");
        Assert.Equal(CudaImportanceBackend.MaxParameters, int.Parse(Regex.Match(importance, @"#define FG_IS_MAX_D (\d+)").Groups[1].Value));
        Assert.Equal(CudaImportanceBackend.MaxFixedEffects, int.Parse(Regex.Match(importance, @"#define FG_IS_MAX_P (\d+)").Groups[1].Value));
        Assert.Equal(CudaImportanceBackend.ChunkDraws, int.Parse(Regex.Match(importance, @"#define FG_IS_CHUNK (\d+)").Groups[1].Value));
    }

    [Fact]
    public void EveryLaunchedKernel_IsDefinedInItsProgram()
    {
        var src = BackendSources();
        var host = string.Concat(Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var launched = Regex.Matches(host, "\"(fg_[a-z_]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("fg_pass", launched);
        var defined = KernelSources.Files.Where(f => f.EndsWith(".cu")).SelectMany(f =>
            Regex.Matches(KernelSources.Read(f), @"extern ""C"" __global__ void (fg_[a-z_]+)\(").Select(m => m.Groups[1].Value)).ToHashSet();
        foreach (var k in launched) Assert.Contains(k, defined);
    }

    [Fact]
    public void EmbeddedSources_AreTheKernelFiles()
    {
        var onDisk = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "kernels"))
            .Select(f => Path.GetFileName(f)).Where(f => f.EndsWith(".cu") || f.EndsWith(".h") || f.EndsWith(".cuh")).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(onDisk, KernelSources.Files);
        foreach (var f in onDisk) Assert.Equal(Kernels(f), KernelSources.Read(f));
    }
}
