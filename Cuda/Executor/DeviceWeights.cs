using System.Runtime.InteropServices;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// The language model's weights on the device, in the one block <see cref="WeightLayout"/> plans, uploaded once
/// through a pinned staging buffer: BF16 tensors as their stored bytes, F16 and F32 converted to bf16 on the host;
/// vectors widened to fp32.
/// </summary>
public sealed class DeviceWeights : IDisposable
{
    private const long StagingBytes = 64L << 20;

    private readonly DeviceMemoryHandle _memory;

    private DeviceWeights(WeightLayout layout, DeviceMemoryHandle memory)
    {
        Layout = layout;
        _memory = memory;
    }

    public WeightLayout Layout { get; }

    public ulong Base => _memory.Address;

    public ulong Embedding => Base + (ulong)Layout.Embedding;

    public ulong LmHead => Base + (ulong)Layout.LmHead;

    public ulong FinalNorm => Base + (ulong)Layout.FinalNorm;

    public ulong InverseFrequency => Base + (ulong)Layout.InverseFrequency;

    public ulong At(long offset) => Base + (ulong)offset;

    public static DeviceWeights Upload(CudaDriver driver, CudaStreamHandle stream, SafetensorsCheckpoint checkpoint, TextConfig c)
    {
        var layout = WeightLayout.Plan(c, tiedLmHead: checkpoint.LmHeadName == TensorNames.EmbedTokens);
        var memory = driver.Allocate(layout.Bytes);
        try
        {
            using var staging = new Uploader(driver, stream, memory.Address, checkpoint);
            long h = c.HiddenSize, v = c.VocabSize, inter = c.IntermediateSize;
            long q = (long)c.NumHeads * c.HeadDim, kv = (long)c.NumKvHeads * c.HeadDim;
            staging.Matrix(TensorNames.EmbedTokens, layout.Embedding, v, h);
            for (int i = 0; i < c.NumLayers; i++)
            {
                string p = $"model.layers.{i}.";
                var l = layout.Layers[i];
                staging.Vector(p + "input_layernorm.weight", l.InputNorm, h);
                staging.Matrix(p + "self_attn.q_proj.weight", l.Qkv, q, h);
                staging.Matrix(p + "self_attn.k_proj.weight", l.Qkv + q * h * 2, kv, h);
                staging.Matrix(p + "self_attn.v_proj.weight", l.Qkv + (q + kv) * h * 2, kv, h);
                staging.Vector(p + "self_attn.q_proj.bias", l.QkvBias, q);
                staging.Vector(p + "self_attn.k_proj.bias", l.QkvBias + q * 4, kv);
                staging.Vector(p + "self_attn.v_proj.bias", l.QkvBias + (q + kv) * 4, kv);
                staging.Matrix(p + "self_attn.o_proj.weight", l.O, h, q);
                staging.Vector(p + "post_attention_layernorm.weight", l.PostAttentionNorm, h);
                staging.Matrix(p + "mlp.gate_proj.weight", l.GateUp, inter, h);
                staging.Matrix(p + "mlp.up_proj.weight", l.GateUp + inter * h * 2, inter, h);
                staging.Matrix(p + "mlp.down_proj.weight", l.Down, h, inter);
            }
            staging.Vector("model.norm.weight", layout.FinalNorm, h);
            if (!layout.TiedLmHead) staging.Matrix(checkpoint.LmHeadName, layout.LmHead, v, h);
            staging.Floats(RotaryFrequencies.Text(c), layout.InverseFrequency);
            return new DeviceWeights(layout, memory);
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    public void Dispose() => _memory.Dispose();

    /// <summary>Copies tensors to the device through one reused pinned buffer, a chunk at a time.</summary>
    private sealed unsafe class Uploader(CudaDriver driver, CudaStreamHandle stream, ulong destination, SafetensorsCheckpoint checkpoint)
        : IDisposable
    {
        private readonly PinnedHostMemoryHandle _staging = driver.AllocateHost(StagingBytes);

        public void Matrix(string name, long offset, long rows, long columns)
        {
            var info = checkpoint.Info(name);
            if (!info.Shape.AsSpan().SequenceEqual([rows, columns]))
                throw new CheckpointException($"checkpoint {checkpoint.Directory}: tensor '{name}' has shape {info.ShapeText}, expected [{rows}, {columns}]");
            var raw = checkpoint.RawBytes(name);
            switch (info.DType)
            {
                case TensorDType.BF16:
                    Copy(raw, offset);
                    break;
                case TensorDType.F16:
                    Convert(MemoryMarshal.Cast<byte, Half>(raw), offset, h => (float)h);
                    break;
                case TensorDType.F32:
                    Convert(MemoryMarshal.Cast<byte, float>(raw), offset, f => f);
                    break;
                default:
                    throw new CheckpointException($"checkpoint {checkpoint.Directory}: tensor '{name}' is {info.DType}; the CUDA executor reads BF16, F16 or F32");
            }
        }

        public void Vector(string name, long offset, long length) => Floats(checkpoint.ReadFloat32(name, length), offset);

        public void Floats(ReadOnlySpan<float> values, long offset) => Copy(MemoryMarshal.AsBytes(values), offset);

        private void Copy(ReadOnlySpan<byte> bytes, long offset)
        {
            var staging = new Span<byte>(_staging.Pointer, (int)StagingBytes);
            for (long done = 0; done < bytes.Length; done += StagingBytes)
            {
                int chunk = (int)Math.Min(StagingBytes, bytes.Length - done);
                bytes.Slice((int)done, chunk).CopyTo(staging);
                Send(offset + done, chunk);
            }
        }

        private void Convert<T>(ReadOnlySpan<T> values, long offset, Func<T, float> widen) where T : unmanaged
        {
            var staging = new Span<ushort>(_staging.Pointer, (int)(StagingBytes / 2));
            for (long done = 0; done < values.Length; done += staging.Length)
            {
                int chunk = (int)Math.Min(staging.Length, values.Length - done);
                var source = values.Slice((int)done, chunk);
                for (int i = 0; i < chunk; i++) staging[i] = BFloat16.FromSingle(widen(source[i]));
                Send(offset + done * 2, chunk * 2L);
            }
        }

        private void Send(long offset, long bytes)
        {
            driver.CopyHostToDeviceAsync(destination + (ulong)offset, _staging.Pointer, bytes, stream);
            driver.Synchronize(stream);
        }

        public void Dispose() => _staging.Dispose();
    }
}
