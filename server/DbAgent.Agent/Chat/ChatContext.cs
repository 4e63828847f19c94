using DbAgent.Analysis.Findings;
using DbAgent.Databases;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Agent.Chat;

/// <summary>The active document as an immutable snapshot: its parse, its findings and the user's selection.</summary>
public sealed record ChatDocument(string Uri, SqlScript Script)
{
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>The selection (or caret, as an empty span) in the document, when the client sent one.</summary>
    public TextSpan? Selection { get; init; }

    public SqlDialect Dialect => Script.Dialect;

    /// <summary>
    /// The statements the user means: those the selection touches, else the one at the caret, else all of them.
    /// </summary>
    public IReadOnlyList<ParsedStatement> FocusStatements()
    {
        if (Selection is { } selection)
        {
            if (selection.IsEmpty)
            {
                var at = Script.StatementAt(selection.Start);
                if (at is not null) return [at];
            }
            else
            {
                var touched = Script.Statements.Where(s => s.Span.Overlaps(selection)).ToList();
                if (touched.Count > 0) return touched;
            }
        }
        return Script.Statements;
    }

    public LineSpan RangeOf(TextSpan span) => Script.Text.GetLineSpan(span);

    public string TextOf(TextSpan span) => Script.Text.ToString(span);
}

/// <summary>An attachment of the request: a file, a range in it, or a value (a symbol, a string), with its text.</summary>
public sealed record ChatReference(string Name)
{
    public string? Uri { get; init; }
    public LineSpan? Range { get; init; }
    public string? Text { get; init; }
}

/// <summary>
/// Everything the server knows when a chat request arrives. Built by the host from immutable snapshots, so the
/// orchestration can read it from any thread while edits continue.
/// </summary>
public sealed record ChatContext
{
    public ChatDocument? Document { get; init; }

    /// <summary>The schema replayed from the workspace migrations, or read from the live catalog; null when unknown.</summary>
    public SchemaModel? Schema { get; init; }

    /// <summary>Where <see cref="Schema"/> came from, in words ("3 migration files", "the live catalog of shop").</summary>
    public string? SchemaSource { get; init; }

    /// <summary>An open session to the connection the document uses; null when none is configured or reachable.</summary>
    public IDatabaseSession? Session { get; init; }

    /// <summary>The name of the configured connection, even when it is unreachable.</summary>
    public string? ConnectionName { get; init; }

    /// <summary>Why the configured connection is not usable right now (unreachable, wrong password...), if it is not.</summary>
    public string? ConnectionProblem { get; init; }

    /// <summary>How plans are asked for (timeouts from `dbagent.plans.statementTimeoutMs`).</summary>
    public DbAgent.Databases.ReadOnlyQueryOptions QueryOptions { get; init; } = new();

    /// <summary>The model for free-form questions; null or unconfigured: answers come from the tools alone.</summary>
    public Models.ModelSettings? Model { get; init; }

    /// <summary>
    /// The model the user picked in VS Code's chat (run by the extension through `dbagent/modelRequest`); null when the
    /// client offers none. Used for free-form questions when no `dbagent.model.*` endpoint is configured.
    /// </summary>
    public Models.IToolCallingModel? EditorModel { get; init; }

    /// <summary>What the user attached to the request (`#file`, selections, symbols), with their text.</summary>
    public IReadOnlyList<ChatReference> References { get; init; } = [];

    /// <summary>URIs of the workspace's SQL files the chat may name (open documents, migrations): mentions become links.</summary>
    public IReadOnlyList<string> KnownFiles { get; init; } = [];

    /// <summary>How tools open a file the model names; null: only the active document.</summary>
    public Tools.IToolDocuments? Files { get; init; }

    /// <summary>Secrets the host knows (connection passwords, the model's API key): masked in everything the chat sends.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Secrets the host learns while the answer runs (a password fetched for a tool's connection), read at each use.</summary>
    public Func<IEnumerable<string>>? LiveSecrets { get; init; }

    /// <summary>The text with passwords (in URL or key=value form, and every known secret) masked.</summary>
    public string Redact(string text) =>
        DbAgent.Databases.Connections.SecretRedactor.Redact(text, LiveSecrets is { } live ? Secrets.Concat(live()) : Secrets);

    /// <summary>The dialect: the session's engine first, then the document's, then the schema's.</summary>
    public SqlDialect? Dialect =>
        Session is not null ? Session.ServerInfo.Engine.ToDialect() : Document?.Dialect ?? Schema?.Dialect;
}
