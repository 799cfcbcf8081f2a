namespace FastGlmm.Backends.Cuda;

/// <summary>
/// One device allocation of <see cref="Length"/> elements of <typeparamref name="T"/>, owned by this object and
/// freed by <see cref="Dispose"/>. Allocation failure for lack of memory throws
/// <see cref="CudaOutOfMemoryException"/> stating the bytes needed and free.
/// </summary>
public sealed unsafe class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    private readonly CudaDevice _device;
    private ulong _ptr;

    /// <summary>Allocates <paramref name="length"/> elements (at least one byte is allocated); contents undefined.</summary>
    public DeviceBuffer(CudaDevice device, long length, string what)
    {
        _device = device;
        Length = length;
        device.MakeCurrent();
        ulong bytes = (ulong)Math.Max(1, length) * (ulong)sizeof(T), p;
        int r = device.Driver.cuMemAlloc(&p, (nuint)bytes);
        if (r == Native.CudaDriverApi.ErrorOutOfMemory)
            throw new CudaOutOfMemoryException(
                $"the GPU ran out of memory allocating {what}: {bytes / 1048576.0:F1} MiB needed, {device.FreeMemory / 1048576.0:F1} MiB free of {device.TotalMemory / 1048576.0:F0} MiB")
            { Code = r };
        device.Driver.Check(r, $"cuMemAlloc({what}, {bytes} bytes)");
        _ptr = p;
    }

    /// <summary>Allocates and fills from <paramref name="host"/>.</summary>
    public DeviceBuffer(CudaDevice device, ReadOnlySpan<T> host, string what) : this(device, host.Length, what) => Upload(host);

    /// <summary>Elements.</summary>
    public long Length { get; }

    /// <summary>Bytes allocated.</summary>
    public long Bytes => Math.Max(1, Length) * sizeof(T);

    /// <summary>The device address (a CUdeviceptr).</summary>
    public ulong Pointer => _ptr != 0 ? _ptr : throw new ObjectDisposedException(nameof(DeviceBuffer<T>));

    /// <summary>Copies <paramref name="host"/> to the start of the buffer.</summary>
    public void Upload(ReadOnlySpan<T> host)
    {
        if (host.Length > Length) throw new ArgumentException("more elements than the buffer holds", nameof(host));
        if (host.IsEmpty) return;
        fixed (T* h = host)
            _device.Driver.Check(_device.Driver.cuMemcpyHtoD(Pointer, h, (nuint)(host.Length * (long)sizeof(T))), "cuMemcpyHtoD");
    }

    /// <summary>Copies <paramref name="host"/> into the buffer from element <paramref name="at"/> on.</summary>
    public void UploadAt(long at, ReadOnlySpan<T> host)
    {
        if (at < 0 || at + host.Length > Length) throw new ArgumentException("more elements than the buffer holds", nameof(host));
        if (host.IsEmpty) return;
        fixed (T* h = host)
            _device.Driver.Check(_device.Driver.cuMemcpyHtoD(Pointer + (ulong)(at * sizeof(T)), h, (nuint)(host.Length * (long)sizeof(T))), "cuMemcpyHtoD");
    }

    /// <summary>Copies the first <paramref name="host"/>.Length elements to <paramref name="host"/>.</summary>
    public void Download(Span<T> host)
    {
        if (host.Length > Length) throw new ArgumentException("more elements than the buffer holds", nameof(host));
        if (host.IsEmpty) return;
        fixed (T* h = host)
            _device.Driver.Check(_device.Driver.cuMemcpyDtoH(h, Pointer, (nuint)(host.Length * (long)sizeof(T))), "cuMemcpyDtoH");
    }

    /// <summary>Copies <paramref name="host"/>.Length elements from element <paramref name="at"/> on into <paramref name="host"/>.</summary>
    public void DownloadAt(long at, Span<T> host)
    {
        if (at < 0 || at + host.Length > Length) throw new ArgumentException("more elements than the buffer holds", nameof(host));
        if (host.IsEmpty) return;
        fixed (T* h = host)
            _device.Driver.Check(_device.Driver.cuMemcpyDtoH(h, Pointer + (ulong)(at * sizeof(T)), (nuint)(host.Length * (long)sizeof(T))), "cuMemcpyDtoH");
    }

    /// <summary>Sets every byte to zero.</summary>
    public void Clear() =>
        _device.Driver.Check(_device.Driver.cuMemsetD8(Pointer, 0, (nuint)(Math.Max(1, Length) * sizeof(T))), "cuMemsetD8");

    /// <summary>Sets elements [<paramref name="at"/>, <paramref name="at"/> + <paramref name="length"/>) to zero bytes.</summary>
    public void Clear(long at, long length)
    {
        if (at < 0 || length < 0 || at + length > Length) throw new ArgumentOutOfRangeException(nameof(length), "the range is outside the buffer");
        if (length == 0) return;
        _device.Driver.Check(_device.Driver.cuMemsetD8(Pointer + (ulong)(at * sizeof(T)), 0, (nuint)(length * sizeof(T))), "cuMemsetD8");
    }

    /// <summary>Frees the allocation.</summary>
    public void Dispose()
    {
        if (_ptr == 0) return;
        _device.Driver.cuMemFree(_ptr);
        _ptr = 0;
    }
}
