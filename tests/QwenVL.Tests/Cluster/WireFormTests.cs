using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using QwenVL.Cluster.Wire;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Cluster;

public class WireFormTests
{
    [Fact]
    public void Every_list_of_a_request_becomes_an_array_of_its_declared_element_type()
    {
        var route = (RouteGenerate)WireForm.Of(new RouteGenerate(WireSamples.ChatRequest));
        var chat = (ChatPrompt)route.Request.Prompt;
        Assert.IsType<ChatMessage[]>(chat.Messages);
        Assert.All(chat.Messages, m => Assert.IsType<ChatContentPart[]>(m.Content));
        Assert.IsType<ImageInput[]>(chat.Images);
        Assert.IsType<int[]>(route.Request.Sampling.StopTokenIds);
        Assert.IsType<string[]>(route.Request.Sampling.Stop);
        WireAssert.Same(WireSamples.ChatRequest, route.Request);
    }

    [Fact]
    public void An_array_of_a_subtype_is_copied_into_an_array_of_the_declared_type()
    {
        // TextPart[] passes as IReadOnlyList<ChatContentPart> by array covariance, but would be written as TextPart[].
        var message = new ChatMessage("user", new[] { new TextPart("hi") });
        var request = WireSamples.TextRequest with { Prompt = new ChatPrompt(new[] { message }, Array.Empty<ImageInput>()) };
        var chat = (ChatPrompt)WireForm.Of(request).Prompt;
        Assert.Equal(typeof(ChatContentPart[]), chat.Messages[0].Content.GetType());
    }

    [Fact]
    public void Arrays_already_in_wire_form_are_kept_and_a_delta_gets_an_array_of_tokens()
    {
        int[] ids = [1, 2];
        var sampling = WireForm.Of(new SamplingParams { StopTokenIds = ids });
        Assert.Same(ids, sampling.StopTokenIds);
        Assert.IsType<SampledToken[]>(((TextDelta)WireForm.Of(WireSamples.Delta)).Tokens);
    }
}
