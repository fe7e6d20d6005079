namespace QwenVL.Runtime.Checkpoint;

/// <summary>
/// Every element type the safetensors format defines with a whole-byte size. Knowing them all lets a
/// header be validated (byte spans) even when a tensor's type is one this runtime cannot compute with;
/// that is reported when the tensor is read, naming it.
/// </summary>
public enum TensorDType { BF16, F16, F32, I32, I64, F64, I8, U8, I16, U16, U32, U64, BOOL, F8_E4M3, F8_E5M2 }

public static class TensorDTypes
{
    public static int SizeOf(this TensorDType dtype) => dtype switch
    {
        TensorDType.I8 or TensorDType.U8 or TensorDType.BOOL or TensorDType.F8_E4M3 or TensorDType.F8_E5M2 => 1,
        TensorDType.BF16 or TensorDType.F16 or TensorDType.I16 or TensorDType.U16 => 2,
        TensorDType.F32 or TensorDType.I32 or TensorDType.U32 => 4,
        TensorDType.F64 or TensorDType.I64 or TensorDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Whether <see cref="SafetensorsFile.ReadFloat32"/> can convert this type.</summary>
    public static bool IsReadableAsFloat32(this TensorDType dtype) =>
        dtype is TensorDType.BF16 or TensorDType.F16 or TensorDType.F32;

    /// <summary>Parses the dtype string of a safetensors header ("BF16", "F8_E4M3", ...); case-sensitive as the format is.</summary>
    public static bool TryParse(string name, out TensorDType dtype)
    {
        // Enum.TryParse would also accept numbers and other casings; the format has exactly these spellings.
        foreach (var candidate in Enum.GetValues<TensorDType>())
        {
            if (candidate.ToString() == name)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }
}
