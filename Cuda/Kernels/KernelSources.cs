using System.Reflection;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// The .cu files under Cuda/Kernels, embedded in this assembly as "Kernels/&lt;file&gt;", and the headers they share
/// (Cuda/Kernels/include, embedded as "Kernels/include/&lt;file&gt;").
/// </summary>
public static class KernelSources
{
    public const string RmsNormResidual = "rmsnorm_residual.cu";
    public const string SiluMul = "silu_mul.cu";
    public const string Embed = "embed.cu";
    public const string RmsNormF32 = "rmsnorm_f32.cu";
    public const string QkvRopeCache = "qkv_rope_cache.cu";
    public const string PagedPrefillAttention = "paged_prefill_attention.cu";
    public const string DecodeAttentionMma = "decode_attention_mma.cu";
    public const string DecodeAttentionCombine = "decode_attention_combine.cu";
    public const string Gemv = "gemv.cu";
    public const string VisionAttention = "vision_attention.cu";
    public const string VisionElementwise = "vision_elementwise.cu";
    public const string VisionLayerNorm = "vision_layernorm.cu";
    public const string VisionRotary = "vision_rotary.cu";
    public const string Sampling = "sampling.cu";

    private const string Prefix = "Kernels/";
    private const string HeaderPrefix = "Kernels/include/";
    private const string IncludePrefix = "#include \"";

    /// <summary>The file names of all embedded kernel sources.</summary>
    public static IReadOnlyList<string> FileNames { get; } = Names(Prefix, ".cu");

    /// <summary>The file names of the embedded headers kernels include.</summary>
    public static IReadOnlyList<string> HeaderNames { get; } = Names(HeaderPrefix, ".cuh");

    /// <summary>The source of an embedded kernel file, its includes of our headers expanded (<see cref="ExpandIncludes"/>).</summary>
    public static string Read(string fileName) =>
        ExpandIncludes(ReadResource(Prefix + fileName, () => $"no kernel source '{fileName}' is embedded (have: {string.Join(", ", FileNames)})"));

    /// <summary>
    /// Replaces each line <c>#include "NAME.cuh"</c> with the embedded header Kernels/include/NAME.cuh, whose own includes
    /// are expanded the same way; a header already pasted is not pasted again. NVRTC then compiles one self-contained
    /// source, and the cubin cache key, a hash of it, covers the headers too: a header change recompiles every kernel
    /// that includes it. Public for kernel sources embedded elsewhere (the checks' reference kernels).
    /// </summary>
    public static string ExpandIncludes(string source) => Expand(source, []);

    private static string Expand(string source, HashSet<string> pasted)
    {
        if (!source.Contains(".cuh\"", StringComparison.Ordinal)) return source;
        var lines = source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (!line.StartsWith(IncludePrefix, StringComparison.Ordinal) || !line.EndsWith(".cuh\"", StringComparison.Ordinal)) continue;
            var header = line[IncludePrefix.Length..^1];
            lines[i] = pasted.Add(header)
                ? Expand(ReadResource(HeaderPrefix + header, () => $"no kernel header '{header}' is embedded (have: {string.Join(", ", HeaderNames)})"), pasted).TrimEnd('\n')
                : $"// {header}: pasted above";
        }
        return string.Join('\n', lines);
    }

    private static string[] Names(string prefix, string extension) => typeof(KernelSources).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(extension, StringComparison.Ordinal) && !n[prefix.Length..].Contains('/'))
        .Select(n => n[prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static string ReadResource(string resource, Func<string> missing)
    {
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream(resource) ?? throw new FileNotFoundException(missing());
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
