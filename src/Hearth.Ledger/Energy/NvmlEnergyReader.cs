using System.Runtime.InteropServices;

namespace Hearth.Ledger.Energy;

/// <summary>
/// NVIDIA GPUs' total-energy counters through NVML (<c>nvmlDeviceGetTotalEnergyConsumption</c>, millijoules since the
/// driver loaded), loaded at run time from <c>libnvidia-ml.so.1</c> (or a configured path). Absent library or GPU → null.
/// </summary>
public sealed unsafe class NvmlEnergyReader : IDisposable
{
    private readonly nint _lib;
    private readonly delegate* unmanaged<nint, ulong*, int> _getEnergy;
    private readonly delegate* unmanaged<int> _shutdown;
    private readonly nint[] _devices;
    private bool _disposed;

    private NvmlEnergyReader(nint lib, delegate* unmanaged<nint, ulong*, int> getEnergy, delegate* unmanaged<int> shutdown, nint[] devices)
    {
        _lib = lib;
        _getEnergy = getEnergy;
        _shutdown = shutdown;
        _devices = devices;
    }

    /// <summary>GPUs whose energy is summed.</summary>
    public int DeviceCount => _devices.Length;

    /// <summary>Loads NVML from <paramref name="libraryPath"/>; null with a reason when absent or unusable.</summary>
    public static NvmlEnergyReader? TryOpen(string libraryPath, out string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(libraryPath);
        if (!NativeLibrary.TryLoad(libraryPath, out var lib))
        {
            reason = $"NVML library '{libraryPath}' not found";
            return null;
        }
        try
        {
            if (!NativeLibrary.TryGetExport(lib, "nvmlInit_v2", out var init) ||
                !NativeLibrary.TryGetExport(lib, "nvmlDeviceGetCount_v2", out var count) ||
                !NativeLibrary.TryGetExport(lib, "nvmlDeviceGetHandleByIndex_v2", out var handle) ||
                !NativeLibrary.TryGetExport(lib, "nvmlDeviceGetTotalEnergyConsumption", out var energy) ||
                !NativeLibrary.TryGetExport(lib, "nvmlShutdown", out var shutdown))
            {
                reason = $"'{libraryPath}' lacks the NVML entry points Hearth needs";
                NativeLibrary.Free(lib);
                return null;
            }
            var rc = ((delegate* unmanaged<int>)init)();
            if (rc != 0)
            {
                reason = $"nvmlInit_v2 returned {rc}";
                NativeLibrary.Free(lib);
                return null;
            }
            uint n = 0;
            rc = ((delegate* unmanaged<uint*, int>)count)(&n);
            var devices = new List<nint>();
            for (uint i = 0; rc == 0 && i < Math.Min(n, 64u); i++)
            {
                nint h = 0;
                if (((delegate* unmanaged<uint, nint*, int>)handle)(i, &h) == 0)
                {
                    ulong probe = 0;
                    if (((delegate* unmanaged<nint, ulong*, int>)energy)(h, &probe) == 0)
                    {
                        devices.Add(h);
                    }
                }
            }
            if (devices.Count == 0)
            {
                ((delegate* unmanaged<int>)shutdown)();
                NativeLibrary.Free(lib);
                reason = "NVML loaded but no GPU reports total energy";
                return null;
            }
            reason = "";
            return new NvmlEnergyReader(lib, (delegate* unmanaged<nint, ulong*, int>)energy, (delegate* unmanaged<int>)shutdown, devices.ToArray());
        }
        catch (EntryPointNotFoundException ex)
        {
            reason = ex.Message;
            return null;
        }
    }

    /// <summary>Sum of all GPUs' energy counters, millijoules.</summary>
    public ulong ReadMillijoules()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ulong total = 0;
        foreach (var d in _devices)
        {
            ulong mj = 0;
            var rc = _getEnergy(d, &mj);
            if (rc != 0)
            {
                throw new IOException($"nvmlDeviceGetTotalEnergyConsumption returned {rc}.");
            }
            total += mj;
        }
        return total;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _shutdown();
        NativeLibrary.Free(_lib);
    }
}
