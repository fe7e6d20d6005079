namespace QwenVL.Runtime.Checkpoint;

public enum TensorDType { BF16, F16, F32, I32, I64 }

public static class TensorDTypes
{
    public static int SizeOf(this TensorDType dtype) => dtype switch
    {
        TensorDType.BF16 or TensorDType.F16 => 2,
        TensorDType.F32 or TensorDType.I32 => 4,
        TensorDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static bool TryParse(string name, out TensorDType dtype)
    {
        switch (name)
        {
            case "BF16": dtype = TensorDType.BF16; return true;
            case "F16": dtype = TensorDType.F16; return true;
            case "F32": dtype = TensorDType.F32; return true;
            case "I32": dtype = TensorDType.I32; return true;
            case "I64": dtype = TensorDType.I64; return true;
            default: dtype = default; return false;
        }
    }
}
