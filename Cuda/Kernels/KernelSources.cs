using System.Reflection;

namespace QwenVL.Cuda.Kernels;

/// <summary>The .cu files under Cuda/Kernels, embedded in this assembly as "Kernels/&lt;file&gt;".</summary>
public static class KernelSources
{
    public const string RmsNormResidual = "rmsnorm_residual.cu";
    public const string SiluMul = "silu_mul.cu";
    public const string SelfTest = "selftest.cu";
    public const string Embed = "embed.cu";
    public const string RmsNormF32 = "rmsnorm_f32.cu";
    public const string QkvRopeCache = "qkv_rope_cache.cu";
    public const string PagedAttention = "paged_attention.cu";
    public const string PagedPrefillAttention = "paged_prefill_attention.cu";
    public const string DecodeAttention = "decode_attention.cu";
    public const string DecodeAttentionMma = "decode_attention_mma.cu";
    public const string Gemv = "gemv.cu";
    public const string VisionAttention = "vision_attention.cu";
    public const string VisionElementwise = "vision_elementwise.cu";
    public const string VisionLayerNorm = "vision_layernorm.cu";
    public const string VisionRotary = "vision_rotary.cu";
    public const string Sampling = "sampling.cu";

    private const string Prefix = "Kernels/";

    /// <summary>The file names of all embedded kernel sources.</summary>
    public static IReadOnlyList<string> FileNames { get; } = typeof(KernelSources).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".cu", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// The source of an embedded kernel file, with each line <c>#include "NAME.cuh"</c> replaced by that embedded header
    /// (NVRTC then compiles one self-contained source, and the cubin cache key, a hash of it, covers the header too).
    /// </summary>
    public static string Read(string fileName)
    {
        var source = ReadResource(fileName);
        if (!source.Contains(".cuh\"", StringComparison.Ordinal)) return source;
        var lines = source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.StartsWith(IncludePrefix, StringComparison.Ordinal) && line.EndsWith(".cuh\"", StringComparison.Ordinal))
                lines[i] = ReadResource(line[IncludePrefix.Length..^1]).TrimEnd('\n');
        }
        return string.Join('\n', lines);
    }

    private const string IncludePrefix = "#include \"";

    private static string ReadResource(string fileName)
    {
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream(Prefix + fileName)
            ?? throw new FileNotFoundException($"no kernel source '{fileName}' is embedded (have: {string.Join(", ", FileNames)})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
