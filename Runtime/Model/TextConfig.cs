namespace QwenVL.Runtime.Model;

/// <summary>The Qwen2 decoder's hyper-parameters, from config.json (flat or text_config).</summary>
public sealed record TextConfig(
    int HiddenSize,
    int IntermediateSize,
    int NumLayers,
    int NumHeads,
    int NumKvHeads,
    int VocabSize,
    double RmsNormEps,
    double RopeTheta,
    int[] MropeSection,
    int MaxPositionEmbeddings,
    bool TieWordEmbeddings)
{
    public int HeadDim => HiddenSize / NumHeads;
}
