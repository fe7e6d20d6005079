using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// The kernel sources only the checks compile, embedded in this assembly under their folder: the CUDA-core reference
/// kernels the tensor-core ones are compared with (ReferenceKernels/) and the self-test's own kernel
/// (SelfTestKernels/). They go through the same <see cref="KernelCompiler"/> as the production kernels, and may include
/// the production headers (<see cref="KernelSources.ExpandIncludes"/>).
/// </summary>
public static class CheckKernelSources
{
    public const string PagedAttention = "ReferenceKernels/paged_attention.cu";
    public const string DecodeAttention = "ReferenceKernels/decode_attention.cu";
    public const string VisionAttentionSimple = "ReferenceKernels/vision_attention_simple.cu";
    public const string SelfTest = "SelfTestKernels/selftest.cu";

    /// <summary>The embedded sources, as "folder/file".</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(CheckKernelSources).Assembly.GetManifestResourceNames()
        .Where(n => n.EndsWith(".cu", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The source of <paramref name="name"/>, its includes of the production headers expanded.</summary>
    public static string Read(string name)
    {
        using var stream = typeof(CheckKernelSources).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"no check kernel source '{name}' is embedded (have: {string.Join(", ", Names)})");
        using var reader = new StreamReader(stream);
        return KernelSources.ExpandIncludes(reader.ReadToEnd());
    }

    /// <summary>Compiles (or finds in the cubin cache, under its file name) one of these sources.</summary>
    public static CompiledKernel Compile(KernelCompiler compiler, string name) => compiler.Compile(Path.GetFileName(name), Read(name));
}
