using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;

namespace QwenVL.Runtime.Cpu;

/// <summary>
/// Qwen2-VL's multimodal rotary embedding: frequency j of the rotary half-dimension turns by the
/// temporal, height or width position id depending on which mrope_section it falls in.
/// Angles are formed in float32 as transformers forms them, so long positions round alike.
/// </summary>
public sealed class MRopeRotary
{
    private readonly float[] _inverseFrequency;
    private readonly int[] _plane;
    private readonly int _half;

    public MRopeRotary(TextConfig config)
    {
        int dim = config.HeadDim;
        _half = dim / 2;
        if (config.MropeSection.Sum() != _half)
            throw new ArgumentException($"mrope_section {string.Join(",", config.MropeSection)} must add up to head_dim/2 = {_half}");
        _inverseFrequency = RotaryFrequencies.Text(config);
        _plane = new int[_half];
        int section = 0, boundary = config.MropeSection[0];
        for (int j = 0; j < _half; j++)
        {
            while (j >= boundary) boundary += config.MropeSection[++section];
            _plane[j] = section;
        }
    }

    /// <summary>Fills cos/sin (length head_dim/2 each) for a token at the three position ids.</summary>
    public void Angles(int t, int h, int w, Span<float> cos, Span<float> sin)
    {
        for (int j = 0; j < _half; j++)
        {
            int pos = _plane[j] switch { 0 => t, 1 => h, _ => w };
            float angle = pos * _inverseFrequency[j];
            cos[j] = (float)Math.Cos(angle);
            sin[j] = (float)Math.Sin(angle);
        }
    }

    /// <summary>Rotates one head vector in place: (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin).</summary>
    public void Apply(Span<float> head, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        for (int j = 0; j < _half; j++)
        {
            float x1 = head[j], x2 = head[j + _half];
            head[j] = x1 * cos[j] - x2 * sin[j];
            head[j + _half] = x2 * cos[j] + x1 * sin[j];
        }
    }
}
