using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Plugins;
using DbAgent.Agent.Tools;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace DbAgent.Agent.Models;

/// <summary>
/// Semantic Kernel's OpenAI connector against a configured OpenAI-compatible endpoint, with the
/// DbAgent tools (<see cref="Plugins.ToolboxPlugin"/>) offered for automatic function calling, streaming its answer.
/// </summary>
public sealed class OpenAiChatModel(ModelSettings settings) : IChatModel
{
    /// <summary>Local servers (Ollama, LM Studio) ignore the key, but the OpenAI client requires a non-empty one.</summary>
    private const string KeyForKeylessServers = "not-needed";

    public async IAsyncEnumerable<string> StreamAsync(ChatRequest request, ChatContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (settings.Problem() is { } problem) throw new ChatModelException(problem);
        var kernel = BuildKernel(settings, context);
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = BuildHistory(request, context);
        var execution = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), Temperature = 0.2 };

        await using var stream = chat.GetStreamingChatMessageContentsAsync(history, execution, kernel, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            string? text;
            try
            {
                if (!await stream.MoveNextAsync()) break;
                text = stream.Current.Content;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (HttpOperationException ex)
            {
                throw new ChatModelException(Describe(ex.StatusCode is { } code ? (int)code : 0, ex.InnerException?.Message ?? ex.Message), ex);
            }
            catch (System.ClientModel.ClientResultException ex)
            {
                // The OpenAI client's own error: Status is the HTTP status, 0 when nothing answered.
                throw new ChatModelException(Describe(ex.Status, ex.InnerException?.Message ?? ex.Message), ex);
            }
            catch (HttpRequestException ex)
            {
                throw new ChatModelException($"The model endpoint {settings.EndpointUri?.GetLeftPart(UriPartial.Authority) ?? "api.openai.com"} did not answer ({ex.Message}). Is the server running?", ex);
            }
            if (!string.IsNullOrEmpty(text)) yield return text;
        }
    }

    internal static Kernel BuildKernel(ModelSettings settings, ChatContext context)
    {
        var builder = Kernel.CreateBuilder();
        var key = string.IsNullOrWhiteSpace(settings.ApiKey) ? KeyForKeylessServers : settings.ApiKey;
#pragma warning disable SKEXP0010 // the custom-endpoint overload is what makes Ollama, LM Studio and Azure's v1 endpoint work
        if (settings.EndpointUri is { } endpoint) builder.AddOpenAIChatCompletion(settings.Name!, endpoint, key);
        else builder.AddOpenAIChatCompletion(settings.Name!, key);
#pragma warning restore SKEXP0010
        builder.Plugins.Add(ToolboxPlugin.Create(DbAgentToolbox.Default, context));
        return builder.Build();
    }

    internal static ChatHistory BuildHistory(ChatRequest request, ChatContext context)
    {
        var history = new ChatHistory(context.Redact(SystemPrompt(context)));
        foreach (var turn in request.History.TakeLast(20))
        {
            if (string.IsNullOrWhiteSpace(turn.Content)) continue;
            if (turn.Role == ChatRole.User) history.AddUserMessage(context.Redact(turn.Command is null ? turn.Content : $"/{turn.Command} {turn.Content}"));
            else history.AddAssistantMessage(context.Redact(turn.Content));
        }
        history.AddUserMessage(context.Redact(request.Prompt));
        return history;
    }

    internal static string SystemPrompt(ChatContext context)
    {
        var sb = new StringBuilder();
        sb.AppendLine("You are @database-expert, a senior database engineer inside VS Code. You help with schema design, query optimisation, indexes, migrations, integrity, tuning, backup and recovery, and scaling.");
        sb.AppendLine("Ground every answer in the user's own SQL, schema, plans and statistics: call the database tools to read them instead of guessing. Say plainly when something needs a connection. Be concise; give SQL in fenced code blocks for the user's engine.");
        var dialect = context.Dialect;
        if (dialect is { } d) sb.AppendLine($"Engine: {EngineNames.DisplayName(d)}.");
        if (context.Document is { } doc)
        {
            sb.AppendLine($"Active file: {doc.Uri} ({doc.Script.Statements.Count} statements, {doc.Findings.Count} findings).");
            var focus = doc.FocusStatements();
            if (focus.Count > 0 && focus.Count <= 3)
            {
                var text = string.Join("\n;\n", focus.Select(s => doc.TextOf(s.Span)));
                sb.AppendLine("Statement(s) under the cursor or selected:").AppendLine("```sql").AppendLine(text.Length > 4000 ? text[..4000] + "\n-- (truncated)" : text).AppendLine("```");
            }
        }
        else sb.AppendLine("No SQL file is open.");
        sb.AppendLine(context.Session is { } s ? $"Connected to {EngineNames.ServerName(s.ServerInfo)}, database {s.ServerInfo.Database}." : "No database connection: plans and statistics are unavailable.");
        if (context.Schema is { } schema) sb.AppendLine($"Known schema: {schema.Tables.Count} tables.");
        return sb.ToString();
    }

    private string Describe(int status, string detail)
    {
        var where = settings.EndpointUri?.GetLeftPart(UriPartial.Authority) ?? "https://api.openai.com";
        return status switch
        {
            401 or 403 => $"The model endpoint {where} rejected the API key. Store a valid one with **DbAgent: Set Model API Key**.",
            404 => $"The model endpoint {where} does not know model `{settings.Name}` (or the URL is not an OpenAI-compatible `/v1` base). Check `dbagent.model.name` and `dbagent.model.endpoint`.",
            0 => $"The model endpoint {where} did not answer ({FirstLine(detail)}). Is the server running?",
            _ => $"The model endpoint {where} answered HTTP {status}: {FirstLine(detail)}",
        };
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
