using FastGlmm.Backends.Cpu;
using FastGlmm.Model;

namespace FastGlmm.Backends.Cuda;

/// <summary>The backends one <c>--backend</c> choice resolves to.</summary>
/// <param name="Glmm">Runs the GLMM objectives (Laplace, AGQ, PIRLS).</param>
/// <param name="Importance">Runs Monte Carlo likelihood's importance weights.</param>
/// <param name="Refit">Makes the lockstep refit batches of a parametric bootstrap.</param>
public sealed record BackendFactories(GlmmBackendFactory Glmm, ImportanceBackendFactory Importance, RefitBatchFactory Refit);

/// <summary>Which backend runs the GLMM objectives.</summary>
public enum BackendChoice
{
    /// <summary>CUDA when a device, the driver and NVRTC are usable; otherwise the CPU.</summary>
    Auto,

    /// <summary>The CPU backend.</summary>
    Cpu,

    /// <summary>The CUDA backend; an error when no usable device exists.</summary>
    Cuda,
}

/// <summary>
/// Resolves <c>--backend auto|cpu|cuda</c> (or the <see cref="EnvironmentVariable"/>) to a backend factory.
/// <list type="bullet">
/// <item><c>cpu</c>: the CPU backend.</item>
/// <item><c>cuda</c>: the CUDA backend; no usable device is a <see cref="UserInputException"/> with the reason.</item>
/// <item><c>auto</c>: CUDA when usable; otherwise the CPU, with a one-line note saying why (silent when no
/// CUDA driver is installed at all and auto was not asked for explicitly: a machine without an NVIDIA driver
/// is the ordinary CPU case).</item>
/// </list>
/// A model the kernels cannot take (see <see cref="CudaGlmmBackend.Unsupported"/>) runs on the CPU with a note.
/// </summary>
public static class BackendSelection
{
    /// <summary>The environment variable read when no --backend is given: auto, cpu or cuda.</summary>
    public const string EnvironmentVariable = "FASTGLMM_BACKEND";

    /// <summary>Parses a choice; null or empty reads <see cref="EnvironmentVariable"/>, then defaults to auto.</summary>
    public static (BackendChoice Choice, bool Explicit) Parse(string? text)
    {
        bool fromEnv = string.IsNullOrWhiteSpace(text);
        if (fromEnv) text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text)) return (BackendChoice.Auto, false);
        string where = fromEnv ? $"{EnvironmentVariable}={text}" : $"--backend {text}";
        return text.Trim().ToLowerInvariant() switch
        {
            "auto" => (BackendChoice.Auto, true),
            "cpu" => (BackendChoice.Cpu, true),
            "cuda" or "gpu" => (BackendChoice.Cuda, true),
            _ => throw new UserInputException($"{where}: unknown backend; use auto, cpu or cuda"),
        };
    }

    /// <summary>
    /// The GLMM objective backend for <paramref name="choice"/>; notes go to <paramref name="note"/>.
    /// <paramref name="probe"/> opens the device (default <see cref="CudaDevice.TryOpen"/>; tests pass their own).
    /// </summary>
    public static GlmmBackendFactory Resolve(BackendChoice choice, bool isExplicit, Action<string> note, Func<(CudaDevice?, string)>? probe = null) =>
        ResolveAll(choice, isExplicit, note, probe).Glmm;

    /// <summary>
    /// The backends for <paramref name="choice"/> from one device probe: GLMM objectives, Monte Carlo importance
    /// weights and bootstrap refit batches. A model or sample the kernels cannot take runs on the CPU with a note.
    /// </summary>
    public static BackendFactories ResolveAll(BackendChoice choice, bool isExplicit, Action<string> note, Func<(CudaDevice?, string)>? probe = null)
    {
        var cpu = new BackendFactories(GlmmBackends.Cpu, CpuImportanceBackend.Create, CpuRefitBatch.Create);
        if (choice == BackendChoice.Cpu) return cpu;
        probe ??= () => (CudaDevice.TryOpen(out var r), r);
        var (device, reason) = probe();
        if (device is null)
        {
            if (choice == BackendChoice.Cuda) throw new UserInputException($"--backend cuda: no usable GPU: {reason}");
            if (isExplicit || !reason.Contains("was not found", StringComparison.Ordinal))
                note($"note: backend auto: using the CPU ({reason})");
            return cpu;
        }
        return new BackendFactories(problem =>
        {
            if (CudaGlmmBackend.Unsupported(problem) is { } why)
            {
                note($"note: this model runs on the CPU backend: {why}");
                return GlmmBackends.Cpu(problem);
            }
            return new CudaGlmmBackend(problem, device);
        }, sample =>
        {
            if (CudaImportanceBackend.Unsupported(sample.Design) is { } why)
            {
                note($"note: the Monte Carlo likelihood runs on the CPU backend: {why}");
                return CpuImportanceBackend.Create(sample);
            }
            return new CudaImportanceBackend(sample, device);
        }, CudaRefitBatch.Factory(device, note));
    }
}
