namespace DbAgent.Agent.Models;

/// <summary>
/// An OpenAI-compatible chat model (OpenAI, Azure OpenAI, Ollama, LM Studio), from the settings
/// `dbagent.model.endpoint` and `dbagent.model.name`; the API key comes from VS Code's SecretStorage (or the
/// DBAGENT_MODEL_API_KEY environment variable) and is never logged or echoed.
/// </summary>
public sealed record ModelSettings
{
    public string? Endpoint { get; init; }
    public string? Name { get; init; }
    public string? ApiKey { get; init; }

    /// <summary>The environment variable read when SecretStorage has no key (for `dbagent` outside VS Code).</summary>
    public const string ApiKeyVariable = "DBAGENT_MODEL_API_KEY";

    /// <summary>True once the user set either setting: from then on, free-form questions go to the model.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(Name);

    /// <summary>What is wrong with the configuration, in a sentence the user can act on; null when it is usable.</summary>
    public string? Problem()
    {
        if (!IsConfigured) return null;
        if (string.IsNullOrWhiteSpace(Name))
            return "`dbagent.model.endpoint` is set but `dbagent.model.name` is not: name the model to use (for example `gpt-4o-mini` on OpenAI, or `llama3.1` on Ollama).";
        if (!string.IsNullOrWhiteSpace(Endpoint))
        {
            if (!Uri.TryCreate(Endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                return "`dbagent.model.endpoint` is not an http(s) URL. Use the OpenAI-compatible base URL, for example `http://localhost:11434/v1` (Ollama), `http://localhost:1234/v1` (LM Studio) or `https://api.openai.com/v1`.";
            if (!string.IsNullOrEmpty(uri.UserInfo))
                return "`dbagent.model.endpoint` must not carry credentials in the URL: store the API key with **DbAgent: Set Model API Key** instead.";
        }
        else if (string.IsNullOrWhiteSpace(ApiKey))
        {
            return "Without `dbagent.model.endpoint`, DbAgent calls api.openai.com, which needs an API key: store it with **DbAgent: Set Model API Key** (kept in VS Code's SecretStorage), or set `dbagent.model.endpoint` to a local server such as Ollama.";
        }
        return null;
    }

    public Uri? EndpointUri => string.IsNullOrWhiteSpace(Endpoint) ? null : new Uri(Endpoint.Trim(), UriKind.Absolute);

    /// <summary>Kept out of ToString and logs: the key is a secret.</summary>
    public override string ToString() => $"model {Name ?? "(none)"} at {(EndpointUri is { } u ? u.GetLeftPart(UriPartial.Path) : "api.openai.com")}";
}
