namespace QwenVL.Runtime.Generation;

/// <summary>Where image <see cref="Image"/>'s run of &lt;|image_pad|&gt; tokens sits in the prompt.</summary>
public readonly record struct ImageSpan(int Image, int Start, int Length)
{
    public int End => Start + Length;
}
