using System.Runtime.InteropServices;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// Samples rows of fp32 logits that are already on the device (sampling.cu), so that only token ids and
/// the requested logprobs come back: the rows' parameters and histories go up in one copy, one launch
/// samples every row, 168 bytes per row come back. Chooses what the host <see cref="Sampler"/> chooses, up
/// to exp rounding at a cumulative boundary (see sampling.cu).
/// </summary>
public sealed unsafe class DeviceSampler : IDisposable
{
    private readonly CudaDriver _driver;
    private readonly SamplingKernel _kernel;
    private readonly CudaModuleHandle? _ownedModule;
    private readonly SamplingRows _packer;
    private readonly int _vocabSize;
    private readonly int _maxRows;
    private readonly DeviceMemoryHandle _work;
    private readonly DeviceMemoryHandle _output;
    private readonly PinnedHostMemoryHandle _outputHost;
    private DeviceMemoryHandle? _params;
    private PinnedHostMemoryHandle? _paramsHost;

    public DeviceSampler(CudaDriver driver, KernelCompiler compiler, int vocabSize, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _driver = driver;
        _ownedModule = driver.LoadModule(compiler.Compile(KernelSources.Sampling).Cubin);
        try
        {
            _kernel = new SamplingKernel(driver, _ownedModule);
            _packer = new SamplingRows(vocabSize);
            _vocabSize = vocabSize;
            _maxRows = maxRows;
            _work = driver.Allocate((long)maxRows * vocabSize * sizeof(float));
            _output = driver.Allocate((long)maxRows * SamplingRows.OutBytes);
            _outputHost = driver.AllocateHost((long)maxRows * SamplingRows.OutBytes);
            Grow(64 << 10);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Queues the sampling of rows [0, contexts.Length) of <paramref name="logits"/> ([rows, vocab] fp32) and the copy back.</summary>
    public void Queue(ulong logits, ReadOnlySpan<SamplingContext> contexts, CudaStreamHandle stream)
    {
        if (contexts.Length == 0) return;
        if (contexts.Length > _maxRows) throw new ArgumentException($"{contexts.Length} sampling rows; the sampler was sized for {_maxRows}");
        long need = SamplingRows.BytesFor(contexts);
        if (need > _paramsHost!.Bytes)
        {
            // The previous step's copy may still read the old buffer.
            _driver.Synchronize(stream);
            Grow(Math.Max(need, 2 * _paramsHost.Bytes));
        }
        var packed = _packer.Pack(contexts, new Span<byte>(_paramsHost!.Pointer, checked((int)_paramsHost.Bytes)));
        ulong d = _params!.Address;
        _driver.CopyHostToDeviceAsync(d, _paramsHost.Pointer, packed.Bytes, stream);
        _kernel.Launch(logits, _work.Address, d + (ulong)packed.RowsOffset, d + (ulong)packed.StopsOffset, d + (ulong)packed.HistoryOffset,
            _output.Address, contexts.Length, _vocabSize, stream);
        _driver.CopyDeviceToHostAsync(_outputHost.Pointer, _output.Address, (long)contexts.Length * SamplingRows.OutBytes, stream);
    }

    /// <summary>After the stream has reached the end of <see cref="Queue"/>: row <paramref name="row"/>'s token.</summary>
    public SampledToken Result(int row, in SamplingContext context)
    {
        var o = new ReadOnlySpan<int>((byte*)_outputHost.Pointer + (long)row * SamplingRows.OutBytes, SamplingRows.OutBytes / 4);
        int token = o[0];
        if ((uint)token >= (uint)_vocabSize)
            throw new InvalidOperationException("cannot sample: the highest logit is not finite (NaN in the logits, or every token suppressed)");
        float logprob = BitConverter.Int32BitsToSingle(o[1]);
        TopLogprob[]? top = null;
        var p = context.Params;
        if (p.Logprobs)
        {
            int n = Math.Min(Math.Min(p.TopLogprobs, SamplingParams.MaxTopLogprobs), _vocabSize);
            top = new TopLogprob[n];
            for (int i = 0; i < n; i++) top[i] = new TopLogprob(o[2 + i], BitConverter.Int32BitsToSingle(o[22 + i]));
        }
        return new SampledToken(token, logprob, top);
    }

    private void Grow(long bytes)
    {
        _params?.Dispose();
        _paramsHost?.Dispose();
        _params = null;
        _paramsHost = null;
        _params = _driver.Allocate(bytes);
        _paramsHost = _driver.AllocateHost(bytes);
    }

    public void Dispose()
    {
        _params?.Dispose();
        _paramsHost?.Dispose();
        _outputHost?.Dispose();
        _output?.Dispose();
        _work?.Dispose();
        _ownedModule?.Dispose();
    }
}
