using System.Text;
using DbAgent.Agent.Commands;
using DbAgent.Agent.Models;

namespace DbAgent.Agent.Chat;

/// <summary>
/// Answers one chat request: a slash command from the tools, a free-form question from the configured model (with
/// the tools as functions), or, without a model, from the closest command. Parts stream to the sink; cancellation
/// stops the answer between parts and inside long steps (an <see cref="OperationCanceledException"/> escapes).
/// </summary>
public sealed class ChatOrchestrator
{
    private readonly Dictionary<string, IChatCommand> _commands;
    private readonly Func<ModelSettings, IChatModel> _modelFactory;
    private readonly Tools.DbAgentToolbox _toolbox = Tools.DbAgentToolbox.Default;

    public ChatOrchestrator(IEnumerable<IChatCommand>? commands = null, Func<ModelSettings, IChatModel>? modelFactory = null)
    {
        _commands = (commands ?? DefaultCommands()).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        _modelFactory = modelFactory ?? (settings => new OpenAiChatModel(settings));
    }

    public static IEnumerable<IChatCommand> DefaultCommands() =>
    [
        new ReviewCommand(), new ExplainCommand(), new IndexesCommand(), new OptimizeCommand(), new SchemaCommand(),
        new MigrationsCommand(), new StatsCommand(), new BackupCommand(), new ScalingCommand(),
    ];

    public IReadOnlyCollection<string> CommandNames => _commands.Keys;

    public async Task<ChatAnswer> RunAsync(ChatRequest request, ChatContext context, IChatPartSink sink, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var response = new ChatResponse(sink, cancellationToken);
        var commandName = request.Command?.Trim().TrimStart('/');
        if (!string.IsNullOrEmpty(commandName))
        {
            if (_commands.TryGetValue(commandName, out var command))
                return new ChatAnswer(await command.RunAsync(request, context, response).ConfigureAwait(false), command.Name);
            await response.MarkdownAsync($"`/{commandName}` is not a command of @database-expert. The commands are: {string.Join(", ", _commands.Values.Select(c => $"`/{c.Name}` ({c.Description})"))}.\n");
            return new ChatAnswer(Followups.Of("review", "explain", "schema"), null);
        }

        if (context.Model is { IsConfigured: true } model)
        {
            if (model.Problem() is { } problem)
            {
                await response.MarkdownAsync($"The model is not usable: {problem}\n\nMeanwhile, from the analysis tools:\n\n");
            }
            else
            {
                var answered = await TryModelAsync(model, request, context, response).ConfigureAwait(false);
                if (answered) return new ChatAnswer(Followups.Of("review", "optimize", "indexes"), null);
                await response.MarkdownAsync("\n\nMeanwhile, from the analysis tools:\n\n");
            }
            return await WithoutModelAsync(request, context, response, explainModel: false).ConfigureAwait(false);
        }
        if (context.EditorModel is { } editorModel)
        {
            if (await TryEditorModelAsync(editorModel, request, context, response).ConfigureAwait(false))
                return new ChatAnswer(Followups.Of("review", "optimize", "indexes"), null);
            await response.MarkdownAsync("\n\nMeanwhile, from the analysis tools:\n\n");
            return await WithoutModelAsync(request, context, response, explainModel: false).ConfigureAwait(false);
        }
        return await WithoutModelAsync(request, context, response, explainModel: true).ConfigureAwait(false);
    }

    /// <summary>Streams the model's answer; false (after saying why) when the model failed before answering anything.</summary>
    private async Task<bool> TryModelAsync(ModelSettings settings, ChatRequest request, ChatContext context, ChatResponse response)
    {
        await response.ProgressAsync($"Asking {settings.Name}...");
        var buffer = new StringBuilder();
        var sent = false;
        try
        {
            await foreach (var chunk in _modelFactory(settings).StreamAsync(request, context, response.CancellationToken).ConfigureAwait(false))
            {
                buffer.Append(chunk);
                // Send whole lines (or big pieces): fewer notifications, and markdown is not cut mid-token.
                var lastBreak = buffer.ToString().LastIndexOf('\n');
                if (lastBreak >= 0 || buffer.Length > 400)
                {
                    var cut = lastBreak >= 0 ? lastBreak + 1 : buffer.Length;
                    await response.MarkdownAsync(buffer.ToString(0, cut)).ConfigureAwait(false);
                    buffer.Remove(0, cut);
                    sent = true;
                }
            }
            if (buffer.Length > 0) { await response.MarkdownAsync(buffer.ToString()).ConfigureAwait(false); sent = true; }
            return sent;
        }
        catch (OperationCanceledException) when (response.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ChatModelException ex)
        {
            await response.MarkdownAsync((sent ? "\n\n" : "") + $"The model could not answer: {ex.Message}\n").ConfigureAwait(false);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await response.MarkdownAsync((sent ? "\n\n" : "") + $"The model could not answer ({ex.GetType().Name}: {ex.Message}). Check `dbagent.model.endpoint` and `dbagent.model.name`.\n").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The tool loop on VS Code's model; false (after saying why) when the model failed.</summary>
    private async Task<bool> TryEditorModelAsync(IToolCallingModel model, ChatRequest request, ChatContext context, ChatResponse response)
    {
        var before = response.PartCount;
        try
        {
            await new ToolCallingChat(_toolbox).RunAsync(model, request, context, response).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (response.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ChatModelException ex)
        {
            await response.MarkdownAsync((response.PartCount > before ? "\n\n" : "") + $"The model could not answer: {context.Redact(ex.Message)}\n").ConfigureAwait(false);
            return false;
        }
    }

    private async Task<ChatAnswer> WithoutModelAsync(ChatRequest request, ChatContext context, ChatResponse response, bool explainModel)
    {
        var routed = CommandRouter.Route(request.Prompt);
        if (routed is not null && _commands.TryGetValue(routed, out var command))
        {
            if (explainModel)
                await response.MarkdownAsync($"No language model is configured, so I answer from the analysis tools: your question is closest to `/{command.Name}` ({command.Description}).\n\n");
            var followups = await command.RunAsync(request, context, response).ConfigureAwait(false);
            if (explainModel) await response.MarkdownAsync("\n---\n\n" + Guidance.ModelNotConfigured);
            return new ChatAnswer(followups, null);
        }

        if (explainModel)
            await response.MarkdownAsync("No language model is configured, and your question does not match one of my commands, so here is what the analysis knows.\n\n");
        if (context.Document is { } doc)
        {
            var name = doc.Uri[(doc.Uri.LastIndexOf('/') + 1)..];
            await response.MarkdownAsync($"`{name}`: {doc.Script.Statements.Count} statement{(doc.Script.Statements.Count == 1 ? "" : "s")} ({Tools.EngineNames.DisplayName(doc.Dialect)}), {doc.Findings.Count} finding{(doc.Findings.Count == 1 ? "" : "s")}.\n\n");
            foreach (var finding in doc.Findings.OrderBy(f => f.Span.Start).Take(5))
            {
                var range = doc.RangeOf(finding.Span);
                await response.MarkdownAsync($"- `{finding.RuleId}` (line {range.Start.Line + 1}): {finding.Message} ");
                await response.ReferenceAsync(doc.Uri, range);
                await response.MarkdownAsync("\n");
            }
            if (doc.Findings.Count > 0) await response.MarkdownAsync("\n");
        }
        else
        {
            await response.MarkdownAsync(Guidance.NoDocument + "\n");
        }
        await response.MarkdownAsync("Ask with a command: " + string.Join(", ", _commands.Values.Select(c => $"`/{c.Name}` ({c.Description})")) + ".\n");
        if (explainModel) await response.MarkdownAsync("\n---\n\n" + Guidance.ModelNotConfigured);
        return new ChatAnswer(context.Document is null ? Followups.Of("schema", "backup", "scaling") : Followups.Of("review", "explain", "optimize"), null);
    }
}
