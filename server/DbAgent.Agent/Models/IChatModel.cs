using DbAgent.Agent.Chat;

namespace DbAgent.Agent.Models;

/// <summary>A language model that answers a free-form question, streaming text, with the database tools at hand.</summary>
public interface IChatModel
{
    IAsyncEnumerable<string> StreamAsync(ChatRequest request, ChatContext context, CancellationToken cancellationToken);
}

/// <summary>The model could not answer (unreachable endpoint, rejected key, unknown model): the message says which.</summary>
public sealed class ChatModelException(string message, Exception? inner = null) : Exception(message, inner);
