using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;

namespace QwenVL.Tests.Vision;

/// <summary>The fixture images and the ways tests hand them to the loader.</summary>
public static class TestImages
{
    public static string PathOf(string file) => Path.Combine(FixturePaths.TinyModel, "images", file);

    public static byte[] Bytes(string file) => File.ReadAllBytes(PathOf(file));

    public static string DataUrl(byte[] bytes, string mediaType = "image/png") =>
        $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    public static PreprocessorConfig Preprocessor => TinyModel.Directory.Preprocessor;

    /// <summary>What decoding and preprocessing the file directly gives, the reference for every loading path.</summary>
    public static PixelPatches DirectPatches(string file, int? minPixels = null, int? maxPixels = null) =>
        new ImageProcessor(Preprocessor).Preprocess(ImageDecoder.Decode(Bytes(file)), minPixels, maxPixels);
}
