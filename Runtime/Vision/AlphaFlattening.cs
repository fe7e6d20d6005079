namespace QwenVL.Runtime.Vision;

/// <summary>
/// Turns decoded RGBA into RGB by compositing onto white.
/// We follow vLLM, not Hugging Face: HF's processor calls PIL's <c>convert("RGB")</c>, which drops alpha and so shows
/// whatever colour transparent pixels happen to store (often black); vLLM's <c>convert_image_mode</c> converts any image
/// with transparency (RGBA, LA, PA, a tRNS chunk) to RGBA and pastes it onto a white RGB canvas with alpha as mask,
/// which is what a viewer shows and what vLLM-served models are used with. Opaque images are the same either way.
/// </summary>
internal static class AlphaFlattening
{
    private const int White = 255;

    /// <summary>
    /// PIL's <c>Image.paste(rgba, mask=alpha)</c> onto white, per channel (libImaging/Paste.c):
    /// out = DIV255(255·(255−a) + c·a) with DIV255(x) = ((x + 128) + ((x + 128) >> 8)) >> 8, which is x/255 rounded
    /// to nearest (x/255 never lands on a half). Checked against Pillow 12.3 for all 65,536 (c, a) pairs.
    /// </summary>
    public static byte[] OntoWhite(ReadOnlySpan<byte> rgba, int pixelCount)
    {
        var rgb = new byte[pixelCount * RgbImage.Channels];
        for (int i = 0, o = 0; i < pixelCount * 4; i += 4, o += RgbImage.Channels)
        {
            int a = rgba[i + 3];
            if (a == 255)
            {
                rgb[o] = rgba[i];
                rgb[o + 1] = rgba[i + 1];
                rgb[o + 2] = rgba[i + 2];
            }
            else
            {
                rgb[o] = Blend(rgba[i], a);
                rgb[o + 1] = Blend(rgba[i + 1], a);
                rgb[o + 2] = Blend(rgba[i + 2], a);
            }
        }
        return rgb;
    }

    internal static byte Blend(int channel, int alpha)
    {
        int t = White * (255 - alpha) + channel * alpha + 128;
        return (byte)(((t >> 8) + t) >> 8);
    }
}
