using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Discernus.Models;

/// <summary>A hosted provider that speaks the OpenAI chat-completions protocol at its endpoint (the OpenAI SDK, retries off: the gateway retries).</summary>
internal abstract record OpenAIProtocolProvider : ModelProvider
{
    internal override IChatClient CreateClient(ModelName model, ProviderClientContext context)
    {
        var key = context.Settings.RequireApiKey(model);
        var options = new OpenAIClientOptions
        {
            Endpoint = context.Settings.RequireBaseUrl(model),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = context.SdkTimeout,
            UserAgentApplicationId = "discernus",
        };

        // Local servers (Ollama, a keyless OpenAI-compatible one) ignore the key, but the SDK requires a non-empty one.
        var credential = new ApiKeyCredential(key ?? "no-key");
        return new OpenAI.Chat.ChatClient(model.Model, credential, options).AsIChatClient();
    }
}
