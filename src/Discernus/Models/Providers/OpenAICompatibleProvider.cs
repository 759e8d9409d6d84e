namespace Discernus.Models;

/// <summary>Any server that speaks the OpenAI chat-completions protocol at an address the user gives; its key is optional.</summary>
internal sealed record OpenAICompatibleProvider : OpenAIProtocolProvider
{
    public const string ApiKeyName = "DISCERNUS_OPENAI_COMPATIBLE_API_KEY";
    public const string BaseUrlName = "DISCERNUS_OPENAI_COMPATIBLE_BASE_URL";

    public override string Name => "openai-compatible";

    public override IReadOnlyList<string> ApiKeyVariables => [ApiKeyName];

    public override bool RequiresApiKey => false;

    public override string BaseUrlVariable => BaseUrlName;

    internal override BatchProtocol BatchProtocol => BatchProtocol.OpenAI;

    public override string MissingBaseUrlMessage(ModelName model) =>
        $"The model '{model}' needs the server's address: set {BaseUrlName} (e.g. http://localhost:8000/v1).";
}
