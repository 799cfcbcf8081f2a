using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(FastGlmm.Benchmarks.BenchmarkMarker).Assembly).Run(args);

namespace FastGlmm.Benchmarks
{
    /// <summary>Anchors the assembly for BenchmarkSwitcher.</summary>
    public sealed class BenchmarkMarker;
}
