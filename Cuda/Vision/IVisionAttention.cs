using QwenVL.Cuda.Handles;

namespace QwenVL.Cuda.Vision;

/// <summary>
/// The attention within segments of the vision tower's blocks: the tensor-core kernel when serving; the checks put a
/// plain reference kernel of their own in its place to compare and time against it.
/// </summary>
public interface IVisionAttention
{
    int HeadDim { get; }

    /// <param name="qkv">bf16 rows of [q | k | v], each heads·HeadDim wide.</param>
    /// <param name="output">bf16 rows of heads·HeadDim.</param>
    /// <param name="tiles">int32 (first query, segment start, segment end) per tile, as <see cref="AttentionTiles"/> builds them.</param>
    void Launch(ulong qkv, ulong output, ulong tiles, int tileCount, int heads, CudaStreamHandle stream);
}
