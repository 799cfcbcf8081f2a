namespace FastGlmm.Backends.Cuda.Kernels;

/// <summary>
/// Launches a kernel through cuLaunchKernel. Arguments are passed as 64-bit slots (device pointers, or an
/// int/double widened with <see cref="Int"/> / <see cref="Double"/>; the device reads the low bytes of a
/// slot, which is right on little-endian hosts) after an optional by-value parameter struct
/// (<see cref="ProblemParameters"/> or <see cref="ImportanceParameters"/>).
/// </summary>
internal static unsafe class KernelLaunch
{
    /// <summary>Threads per CUDA block: 8 warps.</summary>
    public const int BlockThreads = 256;

    /// <summary>An int argument's slot.</summary>
    public static ulong Int(int v) => (uint)v;

    /// <summary>A double argument's slot.</summary>
    public static ulong Double(double v) => BitConverter.DoubleToUInt64Bits(v);

    /// <summary>Grid size (CUDA blocks) for <paramref name="threads"/> threads.</summary>
    public static uint Grid(long threads) => (uint)Math.Max(1, (threads + BlockThreads - 1) / BlockThreads);

    /// <summary>Launches <paramref name="function"/> over <paramref name="threads"/> threads with the parameter struct and further slots.</summary>
    public static void Run<TParameters>(CudaDevice device, IntPtr function, string name, long threads, in TParameters problem, params ReadOnlySpan<ulong> args)
        where TParameters : unmanaged
    {
        var slots = stackalloc ulong[Math.Max(1, args.Length)];
        var ptrs = stackalloc void*[args.Length + 1];
        var copy = problem;
        ptrs[0] = &copy;
        for (int i = 0; i < args.Length; i++) { slots[i] = args[i]; ptrs[i + 1] = &slots[i]; }
        device.Driver.Check(device.Driver.cuLaunchKernel(function, Grid(threads), 1, 1, BlockThreads, 1, 1, 0, IntPtr.Zero, ptrs, null),
            $"cuLaunchKernel({name})");
    }

    /// <summary>Launches <paramref name="function"/> over <paramref name="threads"/> threads with only slot arguments.</summary>
    public static void RunPlain(CudaDevice device, IntPtr function, string name, long threads, params ReadOnlySpan<ulong> args)
    {
        var slots = stackalloc ulong[Math.Max(1, args.Length)];
        var ptrs = stackalloc void*[Math.Max(1, args.Length)];
        for (int i = 0; i < args.Length; i++) { slots[i] = args[i]; ptrs[i] = &slots[i]; }
        device.Driver.Check(device.Driver.cuLaunchKernel(function, Grid(threads), 1, 1, BlockThreads, 1, 1, 0, IntPtr.Zero, ptrs, null),
            $"cuLaunchKernel({name})");
    }
}
