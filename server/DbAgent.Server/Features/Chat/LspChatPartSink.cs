using DbAgent.Agent.Chat;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Features.Chat;

/// <summary>Sends each part of an answer as one `$/progress` notification on the request's partialResultToken.</summary>
internal sealed class LspChatPartSink(ILanguageClient client, string token) : IChatPartSink
{
    public async ValueTask WriteAsync(ChatPart part, CancellationToken cancellationToken)
    {
        // Checked here too, so nothing leaves the server once the request is cancelled.
        cancellationToken.ThrowIfCancellationRequested();
        switch (part)
        {
            case MarkdownPart m:
                await client.ReportProgressAsync(token, new MarkdownPartValue(m.Text)).ConfigureAwait(false);
                break;
            case ReferencePart r:
                var range = r.Range is { } span ? new Range(new Position(span.Start.Line, span.Start.Character), new Position(span.End.Line, span.End.Character)) : null;
                await client.ReportProgressAsync(token, new ReferencePartValue(r.Uri, range)).ConfigureAwait(false);
                break;
            case ProgressPart p:
                await client.ReportProgressAsync(token, new ProgressPartValue(p.Message)).ConfigureAwait(false);
                break;
        }
    }
}
