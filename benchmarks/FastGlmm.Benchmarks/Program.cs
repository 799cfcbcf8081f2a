using BenchmarkDotNet.Running;

// "bigdata …" is a timed end-to-end run (see BigDataRun); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "bigdata") return FastGlmm.Benchmarks.BigDataRun.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(FastGlmm.Benchmarks.BenchmarkMarker).Assembly).Run(args);
return 0;

namespace FastGlmm.Benchmarks
{
    /// <summary>Anchors the assembly for BenchmarkSwitcher.</summary>
    public sealed class BenchmarkMarker;
}
