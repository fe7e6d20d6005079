using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Text;

public class ChatTemplateTests
{
    public static TheoryData<string> ChatNames()
    {
        var data = new TheoryData<string>();
        foreach (var chat in TinyReference.Instance.Chats) data.Add(chat.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ChatNames))]
    public void Render_reproduces_reference_prompt(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        Assert.Equal(chat.PromptText, ChatTemplate.Render(ChatCaseMessages.From(chat.Messages)));
    }

    [Theory]
    [InlineData("text_hello")]
    [InlineData("text_multiturn")]
    public void Encode_of_rendered_prompt_reproduces_reference_input_ids(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        var prompt = ChatTemplate.Render(ChatCaseMessages.From(chat.Messages));
        Assert.Equal(chat.InputIds, SharedTokenizer.Instance.Encode(prompt));
    }

    [Fact]
    public void Render_adds_default_system_turn_when_first_message_is_not_system()
    {
        var prompt = ChatTemplate.Render([ChatMessage.FromText("user", "hi")]);
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nhi<|im_end|>\n" +
            "<|im_start|>assistant\n",
            prompt);
    }

    [Fact]
    public void Render_keeps_the_callers_system_turn()
    {
        var prompt = ChatTemplate.Render(
            [ChatMessage.FromText("system", "Be brief."), ChatMessage.FromText("user", "hi")],
            addGenerationPrompt: false);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n", prompt);
    }

    [Fact]
    public void Render_writes_one_vision_placeholder_per_image_in_order()
    {
        var prompt = ChatTemplate.Render(
            [new ChatMessage("user", [new TextPart("A:"), new ImagePart("a.png"), new TextPart("B:"), new ImagePart()])],
            addGenerationPrompt: false);
        Assert.EndsWith(
            "<|im_start|>user\nA:<|vision_start|><|image_pad|><|vision_end|>B:<|vision_start|><|image_pad|><|vision_end|><|im_end|>\n",
            prompt);
    }
}
