using DbAgent.Sql.Text;

namespace DbAgent.Agent.Chat;

/// <summary>
/// The answer being streamed: each call sends one part, and nothing is sent once the request is cancelled
/// (the token is checked before every part).
/// </summary>
public sealed class ChatResponse(IChatPartSink sink, CancellationToken cancellationToken)
{
    public int PartCount { get; private set; }

    public CancellationToken CancellationToken => cancellationToken;

    public ValueTask MarkdownAsync(string text) => string.IsNullOrEmpty(text) ? ValueTask.CompletedTask : SendAsync(new MarkdownPart(text));

    public ValueTask ReferenceAsync(string uri, LineSpan? range) => SendAsync(new ReferencePart(uri, range));

    public ValueTask ProgressAsync(string message) => SendAsync(new ProgressPart(message));

    /// <summary>"### Statement at line N" with a reference to the statement: how each per-statement answer starts.</summary>
    public async ValueTask StatementHeadingAsync(string uri, LineSpan range)
    {
        await MarkdownAsync($"### Statement at line {range.Start.Line + 1} ");
        await ReferenceAsync(uri, range);
        await MarkdownAsync("\n\n");
    }

    private async ValueTask SendAsync(ChatPart part)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await sink.WriteAsync(part, cancellationToken).ConfigureAwait(false);
        PartCount++;
    }
}

/// <summary>Collects parts in memory: for tests, and for the kernel functions that hand the model the same text.</summary>
public sealed class BufferedChatSink : IChatPartSink
{
    private readonly List<ChatPart> _parts = [];

    public IReadOnlyList<ChatPart> Parts
    {
        get { lock (_parts) return [.. _parts]; }
    }

    public ValueTask WriteAsync(ChatPart part, CancellationToken cancellationToken)
    {
        lock (_parts) _parts.Add(part);
        return ValueTask.CompletedTask;
    }

    /// <summary>The markdown of the answer, with references written as links (file:line).</summary>
    public string ToMarkdown()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var part in Parts)
        {
            switch (part)
            {
                case MarkdownPart m: sb.Append(m.Text); break;
                case ReferencePart r:
                    var name = r.Uri[(r.Uri.LastIndexOf('/') + 1)..];
                    sb.Append(r.Range is { } range ? $"[{name}:{range.Start.Line + 1}]({r.Uri}#L{range.Start.Line + 1})" : $"[{name}]({r.Uri})");
                    break;
            }
        }
        return sb.ToString();
    }
}
