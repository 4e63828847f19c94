using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DbAgent.Agent.Models;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Chat;

/// <summary>
/// VS Code's `request.model`, run by the extension: each turn is a `dbagent/modelRequest` reverse request; the text
/// streams back as `dbagent/modelText` notifications and is handed on as it comes, the result gives the whole text
/// and the tool calls. Cancelling the chat cancels the reverse request (the client gets `$/cancelRequest`).
/// </summary>
internal sealed class LspEditorModel(ILanguageClient client, ModelTextRouter router, string chatToken, ChatModelInfo info) : IToolCallingModel
{
    public string DisplayName => string.IsNullOrWhiteSpace(info.Name) ? "the chat's model" : info.Name!;

    public async Task<ModelTurn> SendAsync(ModelTurnRequest request, Func<string, CancellationToken, ValueTask> onText, CancellationToken cancellationToken)
    {
        var requestToken = Guid.NewGuid().ToString("N");
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        router.Open(requestToken, channel.Writer);
        var streamed = new StringBuilder();
        try
        {
            var parameters = new ModelRequestParams(chatToken, requestToken, request.Messages.Select(ToValue).ToList(),
                request.Tools.Select(t => new ModelToolValue(t.Name, t.Description, t.InputSchema)).ToList());
            var call = client.RequestAsync<ModelRequestResult>(CustomMethods.ModelRequest, parameters, cancellationToken);
            // Hand on the text while the turn runs; the reader wakes for each piece and when the call ends.
            while (!call.IsCompleted)
            {
                var wait = channel.Reader.WaitToReadAsync(cancellationToken).AsTask();
                await Task.WhenAny(call, wait).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                while (channel.Reader.TryRead(out var piece))
                {
                    streamed.Append(piece);
                    await onText(piece, cancellationToken).ConfigureAwait(false);
                }
            }
            ModelRequestResult? result;
            try
            {
                result = await call.ConfigureAwait(false);
            }
            catch (RemoteInvocationException e)
            {
                throw new ChatModelException(e.Message, e);
            }
            catch (ConnectionLostException e)
            {
                throw new ChatModelException("The editor went away while the model was answering.", e);
            }
            router.Close(requestToken);
            while (channel.Reader.TryRead(out var piece))
            {
                streamed.Append(piece);
                await onText(piece, cancellationToken).ConfigureAwait(false);
            }
            var text = result?.Text ?? streamed.ToString();
            // Pieces that arrived after the result (or never) are in the result's text: send what is missing.
            if (text.Length > streamed.Length && text.StartsWith(streamed.ToString(), StringComparison.Ordinal))
                await onText(text[streamed.Length..], cancellationToken).ConfigureAwait(false);
            var calls = (result?.ToolCalls ?? [])
                .Where(c => c is not null && !string.IsNullOrWhiteSpace(c.Name))
                .Select((c, i) => new ModelToolCallPart(string.IsNullOrWhiteSpace(c.CallId) ? $"call-{i + 1}" : c.CallId!, c.Name!,
                    c.Input is { ValueKind: not JsonValueKind.Undefined } input ? input : JsonDocument.Parse("{}").RootElement))
                .ToList();
            return new ModelTurn(text, calls);
        }
        finally
        {
            router.Close(requestToken);
        }
    }

    private static ModelMessageValue ToValue(ModelMessage message) => new(
        message.Role == ModelRole.Assistant ? "assistant" : "user",
        message.Parts.Select(p => p switch
        {
            ModelTextPart t => new ModelPartValue { Kind = "text", Text = t.Text },
            ModelToolCallPart c => new ModelPartValue { Kind = "toolCall", CallId = c.CallId, Name = c.Name, Input = c.Input },
            ModelToolResultPart r => new ModelPartValue { Kind = "toolResult", CallId = r.CallId, Text = r.Text, IsError = r.IsError },
            _ => new ModelPartValue { Kind = "text", Text = "" },
        }).ToList());
}

/// <summary>Routes `dbagent/modelText` pieces to the model turn that is waiting for them; unknown tokens are dropped.</summary>
public sealed class ModelTextRouter
{
    private readonly ConcurrentDictionary<string, ChannelWriter<string>> _open = new(StringComparer.Ordinal);

    internal void Open(string requestToken, ChannelWriter<string> writer) => _open[requestToken] = writer;

    internal void Close(string requestToken)
    {
        if (_open.TryRemove(requestToken, out var writer)) writer.TryComplete();
    }

    public bool Deliver(string? requestToken, string? text) =>
        requestToken is not null && !string.IsNullOrEmpty(text) && _open.TryGetValue(requestToken, out var writer) && writer.TryWrite(text);
}

/// <summary>`dbagent/modelText`: a piece of the text of a model turn, as the extension receives it from VS Code's model.</summary>
/// <remarks>
/// A mutation for the queue: the pieces must reach the turn in the order they were sent (reads may run out of
/// order), and a mutation does not wait for the chat request that is reading them.
/// </remarks>
[LspHandler(mutatesState: true)]
public sealed class ModelTextHandler(LanguageServerContext context)
{
    [JsonRpcMethod(CustomMethods.ModelText, UseSingleObjectParameterDeserialization = true)]
    public void ModelText(ModelTextParams? parameters)
    {
        if (parameters is null) return;
        context.ModelText.Deliver(parameters.RequestToken, parameters.Text);
    }
}
