using Discernus.Models;
using Discernus.Offline;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

public sealed class ChatRequestHasherTests
{
    private static readonly ModelName Model = ModelName.Parse("openai/gpt-4o");

    [Fact]
    public void SameRequest_SameKey_AndAttemptNumberIsIgnored()
    {
        var a = new ChatOptions { Temperature = 0, AdditionalProperties = new() { [ModelCallKeys.Attempt] = 1 } };
        var b = new ChatOptions { Temperature = 0, AdditionalProperties = new() { [ModelCallKeys.Attempt] = 2 } };

        Assert.Equal(
            ChatRequestHasher.HashRequest(Model, a, [new ChatMessage(ChatRole.User, "x")]),
            ChatRequestHasher.HashRequest(Model, b, [new ChatMessage(ChatRole.User, "x")]));
    }

    [Fact]
    public void DifferentModelOptionsOrMessages_GiveDifferentKeys()
    {
        var message = new List<ChatMessage> { new(ChatRole.User, "x") };
        var keys = new[]
        {
            ChatRequestHasher.HashRequest(Model, null, message),
            ChatRequestHasher.HashRequest(ModelName.Parse("openai/gpt-4o-mini"), null, message),
            ChatRequestHasher.HashRequest(Model, new ChatOptions { Temperature = 0.5f }, message),
            ChatRequestHasher.HashRequest(Model, null, [new ChatMessage(ChatRole.User, "y")]),
            ChatRequestHasher.HashRequest(Model, null, [new ChatMessage(ChatRole.System, "x")]),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Framework_IsKeyedByItsText_NotItsPath()
    {
        var framework = ModelsTestData.HopeFearFramework();
        ChatOptions With(Discernus.Experiments.Framework f) => new() { AdditionalProperties = new() { [LexiconInputs.Framework] = f } };

        var here = ChatRequestHasher.HashRequest(ModelName.Lexicon, With(framework), []);
        var elsewhere = ChatRequestHasher.HashRequest(ModelName.Lexicon, With(framework with { FilePath = "/other/framework.md" }), []);
        var edited = ChatRequestHasher.HashRequest(ModelName.Lexicon, With(framework with { Text = framework.Text + " " }), []);

        Assert.Equal(here, elsewhere);
        Assert.NotEqual(here, edited);
    }
}
