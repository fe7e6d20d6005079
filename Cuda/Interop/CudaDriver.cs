using System.Runtime.InteropServices;
using System.Text;
using QwenVL.Cuda.Handles;

namespace QwenVL.Cuda.Interop;

/// <summary>
/// The CUDA driver API (libcuda.so.1), bound through unmanaged function pointers looked up once when the
/// library is first needed. Only the calls this project uses are here; every CUresult goes through
/// <see cref="CudaException.ThrowIfFailed(CuResult, string)"/>. Objects come back as their SafeHandle;
/// their destroy functions belong to the handle types.
/// </summary>
public sealed unsafe partial class CudaDriver
{
    // The one process-wide binding: set once on first use, never changed after (a library stays loaded).
    private static readonly Lazy<CudaDriver> s_shared =
        new(() => new CudaDriver(CudaLibraryLocator.Load("the CUDA driver library", ["libcuda.so.1"])));

    private readonly delegate* unmanaged<uint, CuResult> _init;
    private readonly delegate* unmanaged<int*, CuResult> _driverGetVersion;
    private readonly delegate* unmanaged<CuResult, byte**, CuResult> _getErrorName;
    private readonly delegate* unmanaged<CuResult, byte**, CuResult> _getErrorString;
    private readonly delegate* unmanaged<int*, CuResult> _deviceGetCount;
    private readonly delegate* unmanaged<int*, int, CuResult> _deviceGet;
    private readonly delegate* unmanaged<byte*, int, int, CuResult> _deviceGetName;
    private readonly delegate* unmanaged<int*, DeviceAttribute, int, CuResult> _deviceGetAttribute;
    private readonly delegate* unmanaged<nuint*, int, CuResult> _deviceTotalMem;
    private readonly delegate* unmanaged<nint*, int, CuResult> _primaryCtxRetain;
    private readonly delegate* unmanaged<nint, CuResult> _ctxSetCurrent;
    private readonly delegate* unmanaged<CuResult> _ctxSynchronize;
    private readonly delegate* unmanaged<nuint*, nuint*, CuResult> _memGetInfo;
    private readonly delegate* unmanaged<ulong*, nuint, CuResult> _memAlloc;
    private readonly delegate* unmanaged<void**, nuint, CuResult> _memAllocHost;
    private readonly delegate* unmanaged<ulong, void*, nuint, nint, CuResult> _memcpyHtoDAsync;
    private readonly delegate* unmanaged<void*, ulong, nuint, nint, CuResult> _memcpyDtoHAsync;
    private readonly delegate* unmanaged<ulong, ulong, nuint, nint, CuResult> _memcpyDtoDAsync;
    private readonly delegate* unmanaged<ulong, byte, nuint, nint, CuResult> _memsetD8Async;
    private readonly delegate* unmanaged<ulong, uint, nuint, nint, CuResult> _memsetD32Async;
    private readonly delegate* unmanaged<nint*, uint, CuResult> _streamCreate;
    private readonly delegate* unmanaged<nint, CuResult> _streamSynchronize;
    private readonly delegate* unmanaged<nint, nint, uint, CuResult> _streamWaitEvent;
    private readonly delegate* unmanaged<nint*, uint, CuResult> _eventCreate;
    private readonly delegate* unmanaged<nint, nint, CuResult> _eventRecord;
    private readonly delegate* unmanaged<nint, CuResult> _eventSynchronize;
    private readonly delegate* unmanaged<float*, nint, nint, CuResult> _eventElapsedTime;
    private readonly string _eventElapsedTimeName;
    private readonly delegate* unmanaged<nint*, void*, CuResult> _moduleLoadData;
    private readonly delegate* unmanaged<nint*, nint, byte*, CuResult> _moduleGetFunction;
    private readonly delegate* unmanaged<int*, FunctionAttribute, nint, CuResult> _funcGetAttribute;
    private readonly delegate* unmanaged<nint, FunctionAttribute, int, CuResult> _funcSetAttribute;
    private readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, CuResult> _launchKernel;
    private readonly delegate* unmanaged<LaunchConfig*, nint, void**, void**, CuResult> _launchKernelEx;
    private readonly delegate* unmanaged<nint, StreamCaptureMode, CuResult> _streamBeginCapture;
    private readonly delegate* unmanaged<nint, nint*, CuResult> _streamEndCapture;
    private readonly delegate* unmanaged<nint*, nint, ulong, CuResult> _graphInstantiate;
    private readonly delegate* unmanaged<nint, nint, CuResult> _graphLaunch;

    private CudaDriver(LoadedLibrary library)
    {
        Library = library;
        _init = (delegate* unmanaged<uint, CuResult>)library.Export("cuInit");
        _driverGetVersion = (delegate* unmanaged<int*, CuResult>)library.Export("cuDriverGetVersion");
        _getErrorName = (delegate* unmanaged<CuResult, byte**, CuResult>)library.Export("cuGetErrorName");
        _getErrorString = (delegate* unmanaged<CuResult, byte**, CuResult>)library.Export("cuGetErrorString");
        _deviceGetCount = (delegate* unmanaged<int*, CuResult>)library.Export("cuDeviceGetCount");
        _deviceGet = (delegate* unmanaged<int*, int, CuResult>)library.Export("cuDeviceGet");
        _deviceGetName = (delegate* unmanaged<byte*, int, int, CuResult>)library.Export("cuDeviceGetName");
        _deviceGetAttribute = (delegate* unmanaged<int*, DeviceAttribute, int, CuResult>)library.Export("cuDeviceGetAttribute");
        _deviceTotalMem = (delegate* unmanaged<nuint*, int, CuResult>)library.Export("cuDeviceTotalMem_v2");
        _primaryCtxRetain = (delegate* unmanaged<nint*, int, CuResult>)library.Export("cuDevicePrimaryCtxRetain");
        _ctxSetCurrent = (delegate* unmanaged<nint, CuResult>)library.Export("cuCtxSetCurrent");
        _ctxSynchronize = (delegate* unmanaged<CuResult>)library.Export("cuCtxSynchronize");
        _memGetInfo = (delegate* unmanaged<nuint*, nuint*, CuResult>)library.Export("cuMemGetInfo_v2");
        _memAlloc = (delegate* unmanaged<ulong*, nuint, CuResult>)library.Export("cuMemAlloc_v2");
        _memAllocHost = (delegate* unmanaged<void**, nuint, CuResult>)library.Export("cuMemAllocHost_v2");
        _memcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, nint, CuResult>)library.Export("cuMemcpyHtoDAsync_v2");
        _memcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, nint, CuResult>)library.Export("cuMemcpyDtoHAsync_v2");
        _memcpyDtoDAsync = (delegate* unmanaged<ulong, ulong, nuint, nint, CuResult>)library.Export("cuMemcpyDtoDAsync_v2");
        _memsetD8Async = (delegate* unmanaged<ulong, byte, nuint, nint, CuResult>)library.Export("cuMemsetD8Async");
        _memsetD32Async = (delegate* unmanaged<ulong, uint, nuint, nint, CuResult>)library.Export("cuMemsetD32Async");
        _streamCreate = (delegate* unmanaged<nint*, uint, CuResult>)library.Export("cuStreamCreate");
        _streamSynchronize = (delegate* unmanaged<nint, CuResult>)library.Export("cuStreamSynchronize");
        _streamWaitEvent = (delegate* unmanaged<nint, nint, uint, CuResult>)library.Export("cuStreamWaitEvent");
        _eventCreate = (delegate* unmanaged<nint*, uint, CuResult>)library.Export("cuEventCreate");
        _eventRecord = (delegate* unmanaged<nint, nint, CuResult>)library.Export("cuEventRecord");
        _eventSynchronize = (delegate* unmanaged<nint, CuResult>)library.Export("cuEventSynchronize");
        // CUDA 12.8 added cuEventElapsedTime_v2 (which cuda.h now maps the name to); older drivers have only v1.
        _eventElapsedTimeName = library.TryExport("cuEventElapsedTime_v2", out var elapsedV2) ? "cuEventElapsedTime_v2" : "cuEventElapsedTime";
        _eventElapsedTime = (delegate* unmanaged<float*, nint, nint, CuResult>)(elapsedV2 != 0 ? elapsedV2 : library.Export("cuEventElapsedTime"));
        _moduleLoadData = (delegate* unmanaged<nint*, void*, CuResult>)library.Export("cuModuleLoadData");
        _moduleGetFunction = (delegate* unmanaged<nint*, nint, byte*, CuResult>)library.Export("cuModuleGetFunction");
        _funcGetAttribute = (delegate* unmanaged<int*, FunctionAttribute, nint, CuResult>)library.Export("cuFuncGetAttribute");
        _funcSetAttribute = (delegate* unmanaged<nint, FunctionAttribute, int, CuResult>)library.Export("cuFuncSetAttribute");
        _launchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, CuResult>)library.Export("cuLaunchKernel");
        _launchKernelEx = (delegate* unmanaged<LaunchConfig*, nint, void**, void**, CuResult>)library.Export("cuLaunchKernelEx");
        _streamBeginCapture = (delegate* unmanaged<nint, StreamCaptureMode, CuResult>)library.Export("cuStreamBeginCapture_v2");
        _streamEndCapture = (delegate* unmanaged<nint, nint*, CuResult>)library.Export("cuStreamEndCapture");
        _graphInstantiate = (delegate* unmanaged<nint*, nint, ulong, CuResult>)library.Export("cuGraphInstantiateWithFlags");
        _graphLaunch = (delegate* unmanaged<nint, nint, CuResult>)library.Export("cuGraphLaunch");
    }

    /// <summary>The driver binding, loading libcuda on first use (throws <see cref="CudaLibraryNotFoundException"/> without it).</summary>
    public static CudaDriver Shared => s_shared.Value;

    public LoadedLibrary Library { get; }

    /// <summary>cuGetErrorName and cuGetErrorString once the driver is loaded; before that a name built from the enum.</summary>
    internal static (string Name, string? Text) DescribeError(CuResult result)
    {
        if (s_shared.IsValueCreated)
        {
            var driver = s_shared.Value;
            byte* name = null, text = null;
            if (driver._getErrorName(result, &name) == CuResult.Success && name != null)
            {
                driver._getErrorString(result, &text);
                return (Marshal.PtrToStringUTF8((nint)name)!, text == null ? null : Marshal.PtrToStringUTF8((nint)text));
            }
        }
        return (FallbackName(result), null);
    }

    // OutOfMemory -> CUDA_ERROR_OUT_OF_MEMORY: the driver's own spelling for every value the enum names.
    internal static string FallbackName(CuResult result)
    {
        if (result == CuResult.Success) return "CUDA_SUCCESS";
        if (!Enum.IsDefined(result)) return $"CUDA_ERROR_{(int)result}";
        var name = result.ToString();
        var snake = new StringBuilder("CUDA_ERROR_");
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) snake.Append('_');
            snake.Append(char.ToUpperInvariant(name[i]));
        }
        return snake.ToString();
    }

    // ---- initialisation and devices ----

    /// <summary>cuInit(0), returning the result rather than throwing so that "no device" can be told apart.</summary>
    public CuResult TryInit() => _init(0);

    public void Init() => CudaException.ThrowIfFailed(_init(0), "cuInit");

    /// <summary>The driver's CUDA version as major*1000 + minor*10 (13000 for 13.0).</summary>
    public int DriverVersion()
    {
        int version;
        CudaException.ThrowIfFailed(_driverGetVersion(&version), "cuDriverGetVersion");
        return version;
    }

    public int DeviceCount()
    {
        int count;
        CudaException.ThrowIfFailed(_deviceGetCount(&count), "cuDeviceGetCount");
        return count;
    }

    public int DeviceGet(int ordinal)
    {
        int device;
        CudaException.ThrowIfFailed(_deviceGet(&device, ordinal), "cuDeviceGet");
        return device;
    }

    public string DeviceName(int device)
    {
        var buffer = stackalloc byte[256];
        CudaException.ThrowIfFailed(_deviceGetName(buffer, 256, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }

    public int DeviceAttribute(int device, DeviceAttribute attribute)
    {
        int value;
        CudaException.ThrowIfFailed(_deviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }

    public long DeviceTotalMemory(int device)
    {
        nuint bytes;
        CudaException.ThrowIfFailed(_deviceTotalMem(&bytes, device), "cuDeviceTotalMem_v2");
        return (long)bytes;
    }

    // ---- contexts ----

    public CudaContextHandle RetainPrimaryContext(int device)
    {
        nint context;
        CudaException.ThrowIfFailed(_primaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        return new CudaContextHandle(context, device);
    }

    /// <summary>Makes the context current on the calling thread (a context is current per thread).</summary>
    public void SetCurrent(CudaContextHandle context) => CudaException.ThrowIfFailed(_ctxSetCurrent(context.Value), "cuCtxSetCurrent");

    public void ContextSynchronize() => CudaException.ThrowIfFailed(_ctxSynchronize(), "cuCtxSynchronize");

    /// <summary>Free and total device memory of the current context's device, in bytes.</summary>
    public (long Free, long Total) MemoryInfo()
    {
        nuint free, total;
        CudaException.ThrowIfFailed(_memGetInfo(&free, &total), "cuMemGetInfo_v2");
        return ((long)free, (long)total);
    }

    // ---- memory ----

    public DeviceMemoryHandle Allocate(long bytes)
    {
        ulong address;
        CudaException.ThrowIfFailed(_memAlloc(&address, (nuint)bytes), "cuMemAlloc_v2");
        return new DeviceMemoryHandle(address, bytes);
    }

    public PinnedHostMemoryHandle AllocateHost(long bytes)
    {
        void* address;
        CudaException.ThrowIfFailed(_memAllocHost(&address, (nuint)bytes), "cuMemAllocHost_v2");
        return new PinnedHostMemoryHandle((nint)address, bytes);
    }

    public void CopyHostToDeviceAsync(ulong destination, void* source, long bytes, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_memcpyHtoDAsync(destination, source, (nuint)bytes, stream.Value), "cuMemcpyHtoDAsync_v2");

    public void CopyDeviceToHostAsync(void* destination, ulong source, long bytes, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_memcpyDtoHAsync(destination, source, (nuint)bytes, stream.Value), "cuMemcpyDtoHAsync_v2");

    public void CopyDeviceToDeviceAsync(ulong destination, ulong source, long bytes, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_memcpyDtoDAsync(destination, source, (nuint)bytes, stream.Value), "cuMemcpyDtoDAsync_v2");

    public void MemsetD8Async(ulong destination, byte value, long count, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_memsetD8Async(destination, value, (nuint)count, stream.Value), "cuMemsetD8Async");

    /// <summary>Sets <paramref name="count"/> 32-bit words (the address must be 4-byte aligned).</summary>
    public void MemsetD32Async(ulong destination, uint value, long count, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_memsetD32Async(destination, value, (nuint)count, stream.Value), "cuMemsetD32Async");

    // ---- streams and events ----

    public CudaStreamHandle CreateStream(bool nonBlocking = true)
    {
        nint stream;
        CudaException.ThrowIfFailed(_streamCreate(&stream, nonBlocking ? 1u : 0u), "cuStreamCreate");
        return new CudaStreamHandle(stream);
    }

    public void Synchronize(CudaStreamHandle stream) => CudaException.ThrowIfFailed(_streamSynchronize(stream.Value), "cuStreamSynchronize");

    public void WaitEvent(CudaStreamHandle stream, CudaEventHandle @event) =>
        CudaException.ThrowIfFailed(_streamWaitEvent(stream.Value, @event.Value, 0), "cuStreamWaitEvent");

    /// <summary>An event; with <paramref name="timing"/> off it is cheaper and only orders work.</summary>
    public CudaEventHandle CreateEvent(bool timing = true)
    {
        nint @event;
        CudaException.ThrowIfFailed(_eventCreate(&@event, timing ? 0u : 2u /* CU_EVENT_DISABLE_TIMING */), "cuEventCreate");
        return new CudaEventHandle(@event);
    }

    public void Record(CudaEventHandle @event, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_eventRecord(@event.Value, stream.Value), "cuEventRecord");

    public void Synchronize(CudaEventHandle @event) => CudaException.ThrowIfFailed(_eventSynchronize(@event.Value), "cuEventSynchronize");

    /// <summary>Milliseconds between two recorded, completed events.</summary>
    public float ElapsedMilliseconds(CudaEventHandle start, CudaEventHandle end)
    {
        float ms;
        CudaException.ThrowIfFailed(_eventElapsedTime(&ms, start.Value, end.Value), _eventElapsedTimeName);
        return ms;
    }

    // ---- modules and launches ----

    public CudaModuleHandle LoadModule(ReadOnlySpan<byte> cubin)
    {
        nint module;
        fixed (byte* image = cubin)
            CudaException.ThrowIfFailed(_moduleLoadData(&module, image), "cuModuleLoadData");
        return new CudaModuleHandle(module);
    }

    public CudaFunction GetFunction(CudaModuleHandle module, string name)
    {
        nint function;
        var utf8 = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = utf8)
        {
            var result = _moduleGetFunction(&function, module.Value, p);
            if (result != CuResult.Success) throw new CudaException("cuModuleGetFunction", DescribeError(result).Name, (int)result, $"kernel '{name}'");
        }
        return new CudaFunction(function, name);
    }

    public int FunctionAttribute(CudaFunction function, FunctionAttribute attribute)
    {
        int value;
        CudaException.ThrowIfFailed(_funcGetAttribute(&value, attribute, function.Value), "cuFuncGetAttribute");
        return value;
    }

    public void SetFunctionAttribute(CudaFunction function, FunctionAttribute attribute, int value) =>
        CudaException.ThrowIfFailed(_funcSetAttribute(function.Value, attribute, value), "cuFuncSetAttribute");

    /// <summary>cuLaunchKernel; <paramref name="args"/> points at one pointer per kernel parameter, each at its value.</summary>
    public void Launch(CudaFunction function, Dim3 grid, Dim3 block, uint sharedBytes, CudaStreamHandle stream, void** args) =>
        CudaException.ThrowIfFailed(
            _launchKernel(function.Value, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, sharedBytes, stream.Value, args, null),
            "cuLaunchKernel");

    /// <summary>
    /// cuLaunchKernelEx with programmatic stream serialization allowed: on Hopper the kernel may start while
    /// the one before it in the stream finishes; it must wait with <c>griddepcontrol.wait</c>
    /// (cudaGridDependencySynchronize) before reading what that kernel wrote.
    /// </summary>
    public void LaunchProgrammaticDependent(CudaFunction function, Dim3 grid, Dim3 block, uint sharedBytes, CudaStreamHandle stream, void** args)
    {
        LaunchAttribute attribute = default;
        attribute.Id = LaunchAttributeId.ProgrammaticStreamSerialization;
        attribute.Value = 1;
        var config = new LaunchConfig
        {
            GridDimX = grid.X, GridDimY = grid.Y, GridDimZ = grid.Z,
            BlockDimX = block.X, BlockDimY = block.Y, BlockDimZ = block.Z,
            SharedMemBytes = sharedBytes,
            Stream = stream.Value,
            Attributes = &attribute,
            AttributeCount = 1,
        };
        CudaException.ThrowIfFailed(_launchKernelEx(&config, function.Value, args, null), "cuLaunchKernelEx");
    }

    // ---- native types ----

    private enum LaunchAttributeId { ProgrammaticStreamSerialization = 6 }

    // CUlaunchAttribute: the id, padding to 8 bytes, then a 64-byte union whose first int is what we set.
    [StructLayout(LayoutKind.Explicit, Size = 72)]
    private struct LaunchAttribute
    {
        [FieldOffset(0)] public LaunchAttributeId Id;
        [FieldOffset(8)] public int Value;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct LaunchConfig
    {
        public uint GridDimX, GridDimY, GridDimZ, BlockDimX, BlockDimY, BlockDimZ, SharedMemBytes;
        public nint Stream;
        public LaunchAttribute* Attributes;
        public uint AttributeCount;
    }
}

/// <summary>CUdevice_attribute values read by this project.</summary>
public enum DeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MultiprocessorCount = 16,
    L2CacheSize = 38,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
    MaxSharedMemoryPerBlockOptin = 97,
}

/// <summary>CUfunction_attribute values read or set by this project.</summary>
public enum FunctionAttribute
{
    MaxThreadsPerBlock = 0,
    SharedSizeBytes = 1,
    LocalSizeBytes = 3,
    NumRegs = 4,
    MaxDynamicSharedSizeBytes = 8,
}

/// <summary>A kernel in a loaded module (owned by the module: valid while it stays loaded).</summary>
public readonly record struct CudaFunction(nint Value, string Name);

/// <summary>Grid or block dimensions of a launch.</summary>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1);
