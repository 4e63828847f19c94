using DbAgent.Agent.Chat;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Chat;

/// <summary>
/// `dbagent/chat`: answers a chat turn. The answer streams as `$/progress` parts on the request's
/// partialResultToken; the result carries the followups. On `$/cancelRequest` the orchestration stops between parts
/// (and inside long steps), no part is sent after that, and StreamJsonRpc answers -32800 (RequestCancelled).
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class ChatHandler(LanguageServerContext context)
{
    private readonly ChatOrchestrator _orchestrator = new();
    private readonly ChatContextBuilder _contexts = new(context);

    [JsonRpcMethod(CustomMethods.Chat, UseSingleObjectParameterDeserialization = true)]
    public async Task<ChatResult> ChatAsync(ChatParams? parameters, CancellationToken cancellationToken)
    {
        parameters ??= new ChatParams();
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.ServerLifetime.Token);
        var token = lifetime.Token;
        var request = new ChatRequest(parameters.Prompt ?? "")
        {
            Command = string.IsNullOrWhiteSpace(parameters.Command) ? null : parameters.Command.Trim(),
            History = (parameters.History ?? [])
                .Where(t => t is not null && !string.IsNullOrEmpty(t.Content))
                .Select(t => new ChatTurn(string.Equals(t.Role, "assistant", StringComparison.OrdinalIgnoreCase) ? ChatRole.Assistant : ChatRole.User, t.Content!) { Command = t.Command })
                .ToList(),
        };

        // Without a token the client cannot receive parts, so the answer would be lost: say so in the log, answer anyway.
        IChatPartSink sink = parameters.PartialResultToken is { Length: > 0 } partialResultToken
            ? new LspChatPartSink(context.Client, partialResultToken)
            : new BufferedChatSink();
        if (sink is BufferedChatSink) context.Log.Warning("dbagent/chat without a partialResultToken: the answer's parts cannot be streamed.");

        try
        {
            var chatContext = await _contexts.BuildAsync(parameters, token).ConfigureAwait(false);
            // Every part passes the redactor: no password or API key reaches the chat, whatever a tool or model says.
            sink = new RedactingSink(sink, chatContext.Redact);
            var answer = await _orchestrator.RunAsync(request, chatContext, sink, token).ConfigureAwait(false);
            return new ChatResult(
                answer.Followups.Select(f => new ChatFollowupValue(f.Label, f.Prompt, f.Command)).ToList(),
                new ChatMetadata(answer.Command));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // StreamJsonRpc answers RequestCancelled (-32800).
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Bad input never takes the server down: log, and answer in the chat.
            context.Log.Error($"dbagent/chat failed: {e.GetType().Name}: {e.Message}");
            try
            {
                if (!token.IsCancellationRequested)
                    await sink.WriteAsync(new MarkdownPart($"Something went wrong while answering ({e.GetType().Name}). The server log has the details."), token).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The client went away too: the result below is all that is left to say.
            }
            return new ChatResult([], new ChatMetadata(request.Command));
        }
    }
}

/// <summary>Masks known secrets (and passwords in URL or key=value form) in every markdown part.</summary>
internal sealed class RedactingSink(IChatPartSink inner, Func<string, string> redact) : IChatPartSink
{
    public ValueTask WriteAsync(ChatPart part, CancellationToken cancellationToken) => inner.WriteAsync(part switch
    {
        MarkdownPart m => new MarkdownPart(redact(m.Text)),
        ProgressPart p => new ProgressPart(redact(p.Message)),
        _ => part,
    }, cancellationToken);
}
