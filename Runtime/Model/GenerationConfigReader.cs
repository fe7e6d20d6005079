namespace QwenVL.Runtime.Model;

/// <summary>Reads generation_config.json: default sampling settings and the stop tokens.</summary>
internal static class GenerationConfigReader
{
    public static GenerationConfig Read(ConfigSection s) => new(
        // Qwen2-VL-Instruct stops on either <|im_end|> or <|endoftext|>, so the file writes a list;
        // older files write a single id.
        EosTokenIds: s.IntOrInts("eos_token_id") ?? [],
        PadTokenId: s.Int("pad_token_id"),
        DoSample: s.Bool("do_sample"),
        Temperature: s.Double("temperature"),
        TopK: s.Int("top_k"),
        TopP: s.Double("top_p"),
        RepetitionPenalty: s.Double("repetition_penalty"));
}
