namespace Discernus.Models;

/// <summary>What the user can do about a failed model call, in one sentence, naming the setting to change.</summary>
internal static class ModelFailureAdvice
{
    public static string ForEndpoint(ModelName model, EndpointFailureKind kind, string endpoint) => kind switch
    {
        EndpointFailureKind.CannotConnect =>
            $"Check that the server at {endpoint} is running and reachable, or set {model.Provider.BaseUrlVariableText} to its address.",
        EndpointFailureKind.HostNotFound =>
            $"Check the host name of {endpoint} ({model.Provider.BaseUrlVariableText}) and this machine's network and DNS.",
        EndpointFailureKind.Unauthorized =>
            $"The provider rejected the credentials: check {model.Provider.ApiKeyVariableText} and that the key may use '{model.Model}'.",
        EndpointFailureKind.UnknownModel =>
            $"Check that the model id '{model.Model}' exists at this provider and that {model.Provider.BaseUrlVariableText} ({endpoint}) is its API address.",
        EndpointFailureKind.QuotaExhausted =>
            "The account's quota or credit is used up: add credit or raise the limit with the provider, or choose another model.",
        EndpointFailureKind.Unreachable or EndpointFailureKind.RateLimited =>
            $"Once {endpoint} answers again, continue with `discernus run --resume <run folder>`: only the documents without a result are asked; {ModelSettings.OutageLimitVariable} sets how long a run waits for an endpoint.",
        _ => "",
    };

    public static string ForStatus(ModelName model, int? status, bool transient) => status switch
    {
        429 => $"The provider is rate-limiting: lower {ModelSettings.RequestsPerMinuteVariable} or {ModelSettings.TokensPerMinuteVariable}, or try later.",
        _ when transient => $"The provider kept failing; try later, or raise {ModelSettings.MaxRetriesVariable} or {ModelSettings.TimeoutVariable}.",
        400 or 413 or 422 => $"The provider refused this request (often a document too long for '{model.Model}'s context); the other documents are unaffected.",
        _ => "",
    };

    /// <summary>The endpoint as shown to users: scheme, host, port and path, never user info or query.</summary>
    public static string Display(Uri endpoint) =>
        new UriBuilder(endpoint) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.ToString();
}
