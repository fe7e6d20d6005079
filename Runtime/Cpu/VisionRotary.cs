using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;

namespace QwenVL.Runtime.Cpu;

/// <summary>
/// The vision tower's 2-D rotary embedding: the first quarter of a head's frequencies turn with the
/// patch's row, the second with its column; patches are numbered in PatchMerger window order
/// (2×2 windows row by row, then the patches inside a window), as the pixel patches are laid out.
/// </summary>
public sealed class VisionRotary
{
    private readonly float[] _inverseFrequency;
    private readonly int _merge;

    public int HeadDim { get; }

    public VisionRotary(VisionConfig config)
    {
        HeadDim = config.EmbedDim / config.NumHeads;
        _inverseFrequency = RotaryFrequencies.Vision(HeadDim);
        _merge = config.SpatialMergeSize;
    }

    /// <summary>cos and sin, [patches, HeadDim/2] each, for one frame of gridH × gridW patches.</summary>
    public (float[] Cos, float[] Sin) Tables(int gridH, int gridW)
    {
        int half = HeadDim / 2, quarter = _inverseFrequency.Length, n = gridH * gridW;
        var cos = new float[n * half];
        var sin = new float[n * half];
        int blocksW = gridW / _merge, index = 0;
        for (int bh = 0; bh < gridH / _merge; bh++)
        for (int bw = 0; bw < blocksW; bw++)
        for (int mh = 0; mh < _merge; mh++)
        for (int mw = 0; mw < _merge; mw++)
        {
            int row = bh * _merge + mh, col = bw * _merge + mw;
            for (int j = 0; j < half; j++)
            {
                float angle = j < quarter ? row * _inverseFrequency[j] : col * _inverseFrequency[j - quarter];
                cos[index * half + j] = (float)Math.Cos(angle);
                sin[index * half + j] = (float)Math.Sin(angle);
            }
            index++;
        }
        return (cos, sin);
    }
}
