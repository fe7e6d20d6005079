namespace QwenVL.Cuda;

/// <summary>bfloat16 as its 16 raw bits: the top half of a float32, rounded to nearest even.</summary>
public static class BFloat16
{
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Round to nearest, ties to even, as __float2bfloat16 does; NaN stays a (quiet) NaN.</summary>
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>The value after a round trip through bfloat16.</summary>
    public static float Round(float value) => ToSingle(FromSingle(value));

    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        for (var i = 0; i < source.Length; i++) destination[i] = FromSingle(source[i]);
    }

    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++) destination[i] = ToSingle(source[i]);
    }
}
