using System.Security.Cryptography;
using System.Text;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// The name under which a compiled cubin is cached: a SHA-256 over the source's own hash, the target
/// architecture, the NVRTC version and the code-generation options. Any change to one of them gives a new key;
/// nothing else (paths, time, machine) enters it, so a second start finds what the first compiled.
/// </summary>
public static class CubinCacheKey
{
    private const string Scheme = "qwenvl-cubin-v1";

    /// <summary>64 lowercase hex digits.</summary>
    public static string Compute(string source, string architecture, (int Major, int Minor) nvrtcVersion, IReadOnlyList<string> options)
    {
        var sourceHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)));
        var text = new StringBuilder()
            .Append(Scheme).Append('\n')
            .Append("source-sha256=").Append(sourceHash).Append('\n')
            .Append("arch=").Append(architecture).Append('\n')
            .Append("nvrtc=").Append(nvrtcVersion.Major).Append('.').Append(nvrtcVersion.Minor).Append('\n');
        foreach (var option in options) text.Append("option=").Append(option).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
