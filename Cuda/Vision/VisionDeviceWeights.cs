using System.Runtime.InteropServices;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Memory;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;

namespace QwenVL.Cuda.Vision;

/// <summary>Device addresses of one vision block's weights: matrices bf16 [out, in], vectors fp32.</summary>
internal sealed record VisionBlockAddresses(
    ulong Norm1Weight, ulong Norm1Bias, ulong Qkv, ulong QkvBias, ulong Proj, ulong ProjBias,
    ulong Norm2Weight, ulong Norm2Bias, ulong Fc1, ulong Fc1Bias, ulong Fc2, ulong Fc2Bias);

/// <summary>
/// The vision tower's weights on the device, uploaded once into one block: matrices as bf16 (BF16 copied as stored,
/// F16 and F32 rounded to nearest even), norms and biases as fp32 (exact for BF16 and F16 checkpoints), and the
/// rotary's inverse frequencies.
/// </summary>
internal sealed class VisionDeviceWeights : IDisposable
{
    private const int ConvertChunk = 1 << 20;

    private readonly DeviceBlock _block;

    private VisionDeviceWeights(DeviceBlock block, Dictionary<string, ulong> at, VisionConfig c, ulong inverseFrequency)
    {
        _block = block;
        PatchEmbed = at[VisionWeightManifest.PatchEmbed];
        Blocks = new VisionBlockAddresses[c.Depth];
        for (int i = 0; i < c.Depth; i++)
        {
            string p = VisionWeightManifest.Block(i);
            Blocks[i] = new VisionBlockAddresses(
                at[p + "norm1.weight"], at[p + "norm1.bias"], at[p + "attn.qkv.weight"], at[p + "attn.qkv.bias"],
                at[p + "attn.proj.weight"], at[p + "attn.proj.bias"], at[p + "norm2.weight"], at[p + "norm2.bias"],
                at[p + "mlp.fc1.weight"], at[p + "mlp.fc1.bias"], at[p + "mlp.fc2.weight"], at[p + "mlp.fc2.bias"]);
        }
        MergerNormWeight = at[VisionWeightManifest.MergerNormWeight];
        MergerNormBias = at[VisionWeightManifest.MergerNormBias];
        MergerFc1 = at[VisionWeightManifest.MergerFc1 + ".weight"];
        MergerFc1Bias = at[VisionWeightManifest.MergerFc1 + ".bias"];
        MergerFc2 = at[VisionWeightManifest.MergerFc2 + ".weight"];
        MergerFc2Bias = at[VisionWeightManifest.MergerFc2 + ".bias"];
        InverseFrequency = inverseFrequency;
    }

    public long Bytes => _block.Bytes;

    public ulong PatchEmbed { get; }

    public VisionBlockAddresses[] Blocks { get; }

    public ulong MergerNormWeight { get; }

    public ulong MergerNormBias { get; }

    public ulong MergerFc1 { get; }

    public ulong MergerFc1Bias { get; }

    public ulong MergerFc2 { get; }

    public ulong MergerFc2Bias { get; }

    /// <summary>fp32 [head_dim/4], see <see cref="RotaryFrequencies.Vision"/>.</summary>
    public ulong InverseFrequency { get; }

    /// <summary>Checks every tensor's shape and dtype, then uploads them all; blocks until the copies are done.</summary>
    public static VisionDeviceWeights Upload(CudaDriver driver, CudaStreamHandle stream, SafetensorsCheckpoint checkpoint, VisionConfig config)
    {
        var manifest = VisionWeightManifest.For(config);
        foreach (var tensor in manifest) Check(checkpoint, tensor);
        var inverseFrequency = RotaryFrequencies.Vision(config.EmbedDim / config.NumHeads);
        long bytes = DeviceArena.AlignUp(inverseFrequency.Length * 4L, DeviceArena.DefaultAlignment);
        foreach (var tensor in manifest) bytes += DeviceArena.AlignUp(tensor.DeviceBytes, DeviceArena.DefaultAlignment);

        var block = new DeviceBlock(driver, bytes);
        try
        {
            var at = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var tensor in manifest)
            {
                var address = block.Allocate(tensor.DeviceBytes);
                if (tensor.IsMatrix) UploadMatrix(driver, stream, checkpoint, tensor, address);
                else DeviceCopy.Upload<float>(driver, stream, address, checkpoint.ReadFloat32(tensor.Name, tensor.Shape));
                at.Add(tensor.Name, address);
            }
            var frequencies = block.Allocate(inverseFrequency.Length * 4L);
            DeviceCopy.Upload<float>(driver, stream, frequencies, inverseFrequency);
            return new VisionDeviceWeights(block, at, config, frequencies);
        }
        catch
        {
            block.Dispose();
            throw;
        }
    }

    private static void Check(SafetensorsCheckpoint checkpoint, VisionWeightTensor tensor)
    {
        var info = checkpoint.Info(tensor.Name);
        if (!info.Shape.AsSpan().SequenceEqual(tensor.Shape))
            throw new CheckpointException(
                $"checkpoint {checkpoint.Directory}: tensor '{tensor.Name}' has shape {info.ShapeText}, expected [{string.Join(", ", tensor.Shape)}]");
        if (!info.DType.IsReadableAsFloat32())
            throw new CheckpointException(
                $"checkpoint {checkpoint.Directory}: tensor '{tensor.Name}' is {info.DType}; the vision tower reads BF16, F16 or F32");
    }

    private static void UploadMatrix(CudaDriver driver, CudaStreamHandle stream, SafetensorsCheckpoint checkpoint, VisionWeightTensor tensor, ulong address)
    {
        var info = checkpoint.Info(tensor.Name);
        var raw = checkpoint.RawBytes(tensor.Name);
        if (info.DType == TensorDType.BF16)
        {
            DeviceCopy.Upload(driver, stream, address, raw);
            return;
        }
        long count = tensor.ElementCount;
        var bits = new ushort[(int)Math.Min(count, ConvertChunk)];
        for (long done = 0; done < count; done += bits.Length)
        {
            int n = (int)Math.Min(bits.Length, count - done);
            var chunk = bits.AsSpan(0, n);
            if (info.DType == TensorDType.F32)
                BFloat16.FromSingle(MemoryMarshal.Cast<byte, float>(raw).Slice((int)done, n), chunk);
            else
            {
                var halves = MemoryMarshal.Cast<byte, Half>(raw).Slice((int)done, n);
                for (int i = 0; i < n; i++) chunk[i] = BFloat16.FromSingle((float)halves[i]);
            }
            DeviceCopy.Upload<ushort>(driver, stream, address + (ulong)(done * 2), chunk);
        }
    }

    public void Dispose() => _block.Dispose();
}
