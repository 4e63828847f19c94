using DbAgent.Agent.Chat;
using DbAgent.Analysis.Pipeline;
using DbAgent.Sql.Schema;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Agent.Tests;

/// <summary>Builds real chat contexts (parsed SQL, the linter's findings) and runs the orchestrator into a buffer.</summary>
internal static class ChatHarness
{
    public const string Uri = "file:///work/app/queries.sql";

    /// <summary>A document from SQL; a `|` marks the caret (removed from the text).</summary>
    public static ChatDocument Document(string sql, SqlDialect dialect = SqlDialect.Postgres, string uri = Uri, SchemaModel? schema = null)
    {
        var caret = sql.IndexOf('|');
        if (caret >= 0) sql = sql.Remove(caret, 1);
        var script = SqlScript.Parse(SourceText.From(sql), dialect);
        return new ChatDocument(uri, script)
        {
            // The one pipeline, as the server's chat context gets it.
            Findings = FindingsPipeline.Analyze(script, new AnalysisInput { Schema = schema }).Findings,
            Selection = caret >= 0 ? new TextSpan(caret, 0) : null,
        };
    }

    public static ChatContext Context(string sql, SqlDialect dialect = SqlDialect.Postgres) => new() { Document = Document(sql, dialect) };

    /// <summary>A context whose findings see the schema that <paramref name="ddl"/> builds.</summary>
    public static ChatContext Context(string sql, string ddl, SqlDialect dialect = SqlDialect.Postgres)
    {
        var schema = new SchemaModel(dialect) { DefaultSchema = SchemaReplayer.DefaultSchemaOf(dialect) };
        SchemaReplayer.Replay(SqlScript.Parse(ddl, dialect), schema);
        return new() { Document = Document(sql, dialect, schema: schema), Schema = schema };
    }

    public static async Task<(ChatAnswer Answer, BufferedChatSink Sink)> RunAsync(ChatContext context, string? command, string prompt = "", CancellationToken cancellationToken = default)
    {
        var sink = new BufferedChatSink();
        var answer = await new ChatOrchestrator().RunAsync(new ChatRequest(prompt) { Command = command }, context, sink, cancellationToken);
        return (answer, sink);
    }

    public static async Task<string> MarkdownAsync(ChatContext context, string? command, string prompt = "")
    {
        var (_, sink) = await RunAsync(context, command, prompt);
        return string.Concat(sink.Parts.OfType<MarkdownPart>().Select(p => p.Text));
    }
}
