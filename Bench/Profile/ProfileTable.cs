using System.Globalization;
using System.Text;
using QwenVL.Bench.CostModel;

namespace QwenVL.Bench.Profile;

/// <summary>The fitted costs and, per measured step, measured against modelled time: what `qwenvl bench profile` prints.</summary>
public static class ProfileTable
{
    public static string Format(StepCostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"{profile.Model} on {profile.Executor} ({profile.Device}), block size {profile.BlockSize}, KV block {profile.KvBlockBytes} bytes");
        Line($"  step_overhead_ms                      {profile.StepOverheadMs,12:G6}");
        Line($"  prefill_ms_per_token                  {profile.PrefillMsPerToken,12:G6}");
        Line($"  prefill_ms_per_token_per_1k_context   {profile.PrefillMsPerTokenPer1kContext,12:G6}");
        Line($"  decode_ms_per_sequence                {profile.DecodeMsPerSequence,12:G6}");
        Line($"  attention_ms_per_1k_kv_tokens         {profile.AttentionMsPer1kKvTokens,12:G6}");
        Line($"  vision_ms_per_patch                   {profile.VisionMsPerPatch,12:G6}");
        Line($"  request_overhead_ms                   {profile.RequestOverheadMs,12:G6}");
        foreach (var image in profile.ImageCosts)
            Line($"  image_ms at {image.Pixels,9} pixels        {image.Ms,12:G6}");
        if (profile.Fit is { } fit)
        {
            Line($"");
            Line($"{"step",-36} {"measured ms",12} {"modelled ms",12} {"error",8}");
            foreach (var m in fit.Measurements)
                Line($"{m.Label,-36} {m.MeasuredMs,12:F3} {m.ModelledMs,12:F3} {m.RelativeError,8:P1}");
            Line($"relative error: rms {fit.RmsRelativeError:P1}, largest {fit.MaxRelativeError:P1}");
        }
        if (profile.RequestPath is { } path)
        {
            Line($"");
            Line($"{"request (max_tokens 1, beside a decode)",-40} {"TTFT ms",8} {"in steps",12} {"rest",9} {"modelled",9}");
            foreach (var m in path.Measurements)
                Line($"{m.Label,-40} {m.TtftMs,8:F3} {m.FirstStepMs,12:F3} {m.PathMs,9:F3} {m.ModelledMs,9:F3}");
        }
        return text.ToString();
    }
}
