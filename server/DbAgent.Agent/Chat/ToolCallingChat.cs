using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DbAgent.Agent.Commands;
using DbAgent.Agent.Models;
using DbAgent.Agent.Tools;
using DbAgent.Sql.Text;

namespace DbAgent.Agent.Chat;

/// <summary>
/// A free-form answer from a model the server does not run itself (VS Code's `request.model`): the server owns the
/// conversation and the tools. Each turn goes to the model with the tool definitions; its text streams into the
/// answer as it comes (file names it mentions become references), the tools it asks for run here, read-only, and
/// their results go back to it, until it answers without asking for a tool.
/// </summary>
public sealed partial class ToolCallingChat(DbAgentToolbox toolbox)
{
    /// <summary>A model that keeps calling tools is stopped here, with what it said so far.</summary>
    public const int MaxRounds = 8;

    /// <summary>A tool result longer than this is cut: the model's context is not the place for a 2,000-row table.</summary>
    private const int MaxToolResultChars = 12_000;

    public async Task RunAsync(IToolCallingModel model, ChatRequest request, ChatContext context, ChatResponse response)
    {
        var ct = response.CancellationToken;
        var tools = toolbox.Tools.Select(t => new ModelToolDefinition(t.Name, t.Description, t.InputSchema())).ToList();
        var messages = BuildMessages(request, context);
        var linker = new AnswerLinker(response, context);
        var toolContext = new ToolContext(context, context.Files);
        for (var round = 1; ; round++)
        {
            await response.ProgressAsync(round == 1 ? $"Asking {model.DisplayName}..." : $"Giving the tool results to {model.DisplayName}...").ConfigureAwait(false);
            var turn = await model.SendAsync(new ModelTurnRequest(messages, tools), (text, _) => linker.WriteAsync(text), ct).ConfigureAwait(false);
            await linker.FlushAsync().ConfigureAwait(false);
            if (turn.ToolCalls.Count == 0) return;
            if (round == MaxRounds)
            {
                await response.MarkdownAsync($"\n\n_The model asked for tools {MaxRounds} times in a row; I stopped it there._\n").ConfigureAwait(false);
                return;
            }
            var assistant = new List<ModelPart>();
            if (!string.IsNullOrEmpty(turn.Text)) assistant.Add(new ModelTextPart(turn.Text));
            assistant.AddRange(turn.ToolCalls);
            messages.Add(new ModelMessage(ModelRole.Assistant, assistant));
            var results = new List<ModelPart>();
            foreach (var call in turn.ToolCalls)
            {
                ct.ThrowIfCancellationRequested();
                var tool = toolbox.Find(call.Name);
                string progress;
                try { progress = tool?.Progress(new ToolArguments(call.Input, tool.Parameters)) ?? $"Running {call.Name}"; }
                catch (ToolInputException) { progress = $"Running {call.Name}"; }
                await response.ProgressAsync(context.Redact(progress) + "...").ConfigureAwait(false);
                var outcome = await toolbox.InvokeAsync(call.Name, call.Input, toolContext, ct).ConfigureAwait(false);
                var text = outcome.Text.Length > MaxToolResultChars ? outcome.Text[..MaxToolResultChars] + "\n(cut here: the rest is too long)" : outcome.Text;
                results.Add(new ModelToolResultPart(call.CallId, text, outcome.IsError));
            }
            messages.Add(new ModelMessage(ModelRole.User, results));
        }
    }

    /// <summary>The conversation as the model first sees it: instructions and context, the history, the question.</summary>
    internal static List<ModelMessage> BuildMessages(ChatRequest request, ChatContext context)
    {
        var messages = new List<ModelMessage> { ModelMessage.User(context.Redact(Instructions(context))) };
        foreach (var turn in request.History.TakeLast(20))
        {
            if (string.IsNullOrWhiteSpace(turn.Content)) continue;
            var text = context.Redact(turn.Role == ChatRole.User && turn.Command is not null ? $"/{turn.Command} {turn.Content}" : turn.Content);
            messages.Add(new ModelMessage(turn.Role == ChatRole.User ? ModelRole.User : ModelRole.Assistant, [new ModelTextPart(text)]));
        }
        messages.Add(ModelMessage.User(context.Redact(request.Prompt)));
        return messages;
    }

    /// <summary>What the model is told before the history: its role, the tools' promise, and everything the server knows.</summary>
    internal static string Instructions(ChatContext context)
    {
        var sb = new StringBuilder(OpenAiChatModel.SystemPrompt(context));
        sb.AppendLine("The dbagent_* tools read the user's files, schema, plans and statistics; they never write to a database. Name files with their path and line (for example `queries/orders.sql:12`) so the user can open them.");
        if (context.Document is { } doc)
        {
            if (doc.Selection is { IsEmpty: false } selection)
            {
                var range = doc.RangeOf(selection);
                sb.AppendLine($"The user selected lines {range.Start.Line + 1}-{range.End.Line + 1} of {doc.Uri}.");
            }
            if (doc.Findings.Count > 0)
            {
                sb.AppendLine($"Findings in {Name(doc.Uri)}:");
                foreach (var f in doc.Findings.OrderBy(f => f.Span.Start).Take(15))
                    sb.AppendLine($"- {Name(doc.Uri)}:{doc.RangeOf(f.Span).Start.Line + 1} `{f.RuleId}`: {f.Message}");
            }
            if (context.Schema is { } schema)
            {
                var involved = doc.FocusStatements().SelectMany(s => s.Model.Relations).Where(r => !r.IsCommonTableExpression)
                    .Select(r => schema.FindTable(r.Name)).OfType<DbAgent.Sql.Schema.TableModel>().Distinct().Take(8).ToList();
                if (involved.Count > 0)
                {
                    sb.AppendLine($"Schema of the tables involved{(context.SchemaSource is { } source ? $" (from {source})" : "")}:");
                    foreach (var table in involved) sb.Append(SchemaCommand.DescribeTable(table));
                }
            }
        }
        foreach (var reference in context.References.Take(10))
        {
            var where = reference.Uri is { } uri ? Name(uri) + (reference.Range is { } r ? $":{r.Start.Line + 1}-{r.End.Line + 1}" : "") : reference.Name;
            sb.AppendLine($"The user attached {where}:");
            if (reference.Text is { Length: > 0 } text)
                sb.AppendLine("```").AppendLine(text.Length > 8000 ? text[..8000] + "\n(truncated)" : text).AppendLine("```");
        }
        return sb.ToString();
    }

    internal static string Name(string uri) => uri[(uri.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Streams the model's markdown line by line (big lines in pieces), turning each `file.sql:12` (or `file.sql`)
    /// that names a file the chat knows into a reference part, so that it is clickable. Code blocks are left alone.
    /// </summary>
    private sealed partial class AnswerLinker(ChatResponse response, ChatContext context)
    {
        private readonly StringBuilder _buffer = new();
        private bool _inFence;

        [GeneratedRegex(@"`?(?<name>[\w./\\-]+\.sql)(?:(?::|#L|, line | line | \(line )(?<line>\d{1,7})\)?)?`?", RegexOptions.IgnoreCase)]
        private static partial Regex FileMention();

        public async ValueTask WriteAsync(string text)
        {
            _buffer.Append(text);
            while (true)
            {
                var s = _buffer.ToString();
                var newline = s.IndexOf('\n');
                if (newline < 0)
                {
                    if (s.Length <= 400) return;
                    // A long line without a break: send up to the last space (a mention is never cut).
                    var cut = s.LastIndexOf(' ');
                    if (cut <= 0) cut = s.Length;
                    _buffer.Remove(0, cut);
                    await EmitAsync(s[..cut]).ConfigureAwait(false);
                    continue;
                }
                _buffer.Remove(0, newline + 1);
                await EmitAsync(s[..(newline + 1)]).ConfigureAwait(false);
            }
        }

        public async ValueTask FlushAsync()
        {
            if (_buffer.Length == 0) return;
            var rest = _buffer.ToString();
            _buffer.Clear();
            await EmitAsync(rest).ConfigureAwait(false);
        }

        private async ValueTask EmitAsync(string chunk)
        {
            chunk = context.Redact(chunk);
            if (chunk.TrimStart().StartsWith("```", StringComparison.Ordinal)) { _inFence = !_inFence; await response.MarkdownAsync(chunk).ConfigureAwait(false); return; }
            if (_inFence) { await response.MarkdownAsync(chunk).ConfigureAwait(false); return; }
            var at = 0;
            foreach (Match m in FileMention().Matches(chunk))
            {
                if (Resolve(m.Groups["name"].Value) is not { } uri) continue;
                await response.MarkdownAsync(chunk[at..m.Index]).ConfigureAwait(false);
                LineSpan? range = m.Groups["line"].Success && int.TryParse(m.Groups["line"].Value, out var line) && line > 0
                    ? new LineSpan(new LinePosition(line - 1, 0), new LinePosition(line - 1, 0)) : null;
                await response.ReferenceAsync(uri, range).ConfigureAwait(false);
                at = m.Index + m.Length;
            }
            await response.MarkdownAsync(chunk[at..]).ConfigureAwait(false);
        }

        private string? Resolve(string mention)
        {
            var name = mention.Replace('\\', '/').TrimStart('.', '/');
            var known = context.KnownFiles.Concat(context.References.Select(r => r.Uri).OfType<string>());
            if (context.Document is { } doc) known = known.Prepend(doc.Uri);
            return known.FirstOrDefault(u => u.EndsWith("/" + name, StringComparison.OrdinalIgnoreCase) || string.Equals(u, name, StringComparison.OrdinalIgnoreCase));
        }
    }
}
