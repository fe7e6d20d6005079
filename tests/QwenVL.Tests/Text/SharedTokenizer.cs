using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;

namespace QwenVL.Tests.Text;

/// <summary>The fixture's tokenizer, loaded once for the whole test run (tokenizer.json is 5 MB).</summary>
public static class SharedTokenizer
{
    private static readonly Lazy<QwenTokenizer> Shared = new(() => QwenTokenizer.Load(FixturePaths.TinyModel));

    public static QwenTokenizer Instance => Shared.Value;
}
