using QwenVL.Runtime.Model;

namespace QwenVL.Runtime.Execution;

/// <summary>What the scheduler needs to know about a loaded model.</summary>
public sealed record ModelSpec(TextConfig Text, int BlockSize, int MaxModelLength)
{
    public int VocabSize => Text.VocabSize;
}
