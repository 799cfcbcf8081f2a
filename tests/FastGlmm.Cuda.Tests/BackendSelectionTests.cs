using FastGlmm.Backends;
using FastGlmm.Backends.Cuda;

namespace FastGlmm.Cuda.Tests;

/// <summary>--backend and FASTGLMM_BACKEND resolve as documented, with a simulated missing device.</summary>
public class BackendSelectionTests
{
    private static (CudaDevice?, string) NoDevice() => (null, "cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)");

    private static (CudaDevice?, string) NoDriver() => (null, "the CUDA driver (libcuda.so.1) was not found (set FASTGLMM_LIBCUDA to its path)");

    [Theory]
    [InlineData("cpu", BackendChoice.Cpu)]
    [InlineData(" CUDA ", BackendChoice.Cuda)]
    [InlineData("gpu", BackendChoice.Cuda)]
    [InlineData("auto", BackendChoice.Auto)]
    public void Parse_KnownNames(string text, BackendChoice expected)
    {
        var (choice, isExplicit) = BackendSelection.Parse(text);
        Assert.Equal(expected, choice);
        Assert.True(isExplicit);
    }

    [Fact]
    public void Parse_Unknown_NamesTheOption()
    {
        var e = Assert.Throws<UserInputException>(() => BackendSelection.Parse("tpu"));
        Assert.Equal("--backend tpu: unknown backend; use auto, cpu or cuda", e.Message);
    }

    [Fact]
    public void Cuda_WithoutDevice_IsAClearError()
    {
        var e = Assert.Throws<UserInputException>(() => BackendSelection.Resolve(BackendChoice.Cuda, true, _ => { }, NoDevice));
        Assert.Equal("--backend cuda: no usable GPU: cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)", e.Message);
    }

    [Fact]
    public void Auto_WithoutDevice_FallsBackWithOneLine()
    {
        var notes = new List<string>();
        var f = BackendSelection.Resolve(BackendChoice.Auto, false, notes.Add, NoDevice);
        Assert.Same(GlmmBackends.Cpu, f);
        Assert.Equal(["note: backend auto: using the CPU (cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected))"], notes);
    }

    [Fact]
    public void ImplicitAuto_WithoutDriver_IsSilent_ExplicitAutoSaysWhy()
    {
        var notes = new List<string>();
        Assert.Same(GlmmBackends.Cpu, BackendSelection.Resolve(BackendChoice.Auto, false, notes.Add, NoDriver));
        Assert.Empty(notes);
        BackendSelection.Resolve(BackendChoice.Auto, true, notes.Add, NoDriver);
        Assert.Single(notes);
    }

    [Fact]
    public void Cpu_NeverProbes()
    {
        var f = BackendSelection.Resolve(BackendChoice.Cpu, true, _ => { }, () => throw new InvalidOperationException("probed"));
        Assert.Same(GlmmBackends.Cpu, f);
    }
}
