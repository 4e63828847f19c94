using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>A rule over a whole script: transaction blocks, the order of statements (a lock timeout set before a lock).</summary>
public interface IScriptRule
{
    RuleDescriptor Descriptor { get; }

    IEnumerable<Finding> Analyze(ScriptFacts facts);
}

/// <summary>
/// What a script says as a whole, computed once per analysis: which statements run inside an explicit transaction
/// block, which tables it creates (new and empty, so locking them harms nobody), where a lock timeout is set.
/// </summary>
public sealed class ScriptFacts
{
    /// <summary>Finding data key: the table whose existing rows the finding is about (dropped when the table is new).</summary>
    public const string ExistingTableKey = "existingTable";

    /// <summary>
    /// The tables the script creates, by name (compared as <see cref="NameComparer"/> does), each with where it is
    /// created, in document order: one lookup per question, not a walk over every CREATE TABLE of a long migration.
    /// </summary>
    private readonly Dictionary<string, List<(int At, string? Schema)>> _created = new(NameComparer.Instance);
    private readonly IReadOnlySet<string>? _newTables;
    private readonly bool[] _inTransaction;
    private readonly StatementSummary[] _summaries;

    /// <summary>The existing table a statement locks (DDL on it), from a summary kept per statement tree.</summary>
    public QualifiedName? LockedTable(int statementIndex) => _summaries[statementIndex].Locked;

    /// <summary>True when the statement sets lock_timeout, statement_timeout or lock_wait_timeout (LOCK_TIMEOUT in T-SQL).</summary>
    public bool SetsTimeout(int statementIndex) => _summaries[statementIndex].SetsTimeout;

    /// <param name="remember">
    /// Keep each statement's summary for the next analysis (by tree and by text): what the editor wants from edit to
    /// edit. A one-shot run (`dbagent check`) sees each statement once, and remembering them would hold every
    /// statement's text of the whole run.
    /// </param>
    public ScriptFacts(SqlScript script, IReadOnlySet<string>? newTables = null, bool remember = true)
    {
        Script = script;
        _newTables = newTables;
        var statements = script.Statements;
        _inTransaction = new bool[statements.Count];
        _summaries = new StatementSummary[statements.Count];
        var open = false;
        for (var i = 0; i < statements.Count; i++)
        {
            var summary = Summarize(script, statements[i], remember);
            _summaries[i] = summary;
            if (summary.Kind == StatementKind.Transaction)
            {
                var word = summary.Detail ?? "";
                if (word is "BEGIN" or "START") open = true;
                else if (word is "COMMIT" or "ROLLBACK" or "END" or "ABORT") open = false;
                continue;
            }
            _inTransaction[i] = open;
            foreach (var table in summary.Created)
            {
                if (!_created.TryGetValue(table.Name, out var places)) _created[table.Name] = places = [];
                places.Add((statements[i].Span.Start, table.Schema));
            }
        }
    }

    /// <summary>What the script walk needs of a statement, kept per statement tree: an edit elsewhere costs no model.</summary>
    private sealed record StatementSummary(StatementKind Kind, string? Detail, QualifiedName[] Created, QualifiedName? Locked, bool SetsTimeout);

    private static readonly StatementMemo<StatementSummary> Summaries = new(100_000);

    private static StatementSummary Summarize(SqlScript script, ParsedStatement statement, bool remember)
    {
        if (remember && Summaries.TryGet(script, statement, out var known)) return known;
        var model = statement.Model;
        var setsTimeout = model.Kind is StatementKind.Set or StatementKind.Other or StatementKind.Unknown
            && statement.Span.End <= script.Text.Length
            && script.Text.ToString(statement.Span) is var text
            && (text.Contains("lock_timeout", StringComparison.OrdinalIgnoreCase) || text.Contains("statement_timeout", StringComparison.OrdinalIgnoreCase)
                || text.Contains("lock_wait_timeout", StringComparison.OrdinalIgnoreCase));
        var summary = new StatementSummary(model.Kind, model.Detail, model.Ddl.OfType<CreateTableAction>().Select(c => c.Table).ToArray(),
            Migrations.ScriptRule.LockedTable(model), setsTimeout);
        if (remember) Summaries.Set(script, statement, summary);
        return summary;
    }

    public SqlScript Script { get; }
    public SqlDialect Dialect => Script.Dialect;
    public IReadOnlyList<ParsedStatement> Statements => Script.Statements;

    /// <summary>True when the statement runs inside BEGIN ... COMMIT written in the script.</summary>
    public bool InTransactionBlock(int statementIndex) => _inTransaction[statementIndex];

    public bool HasNewTables => _created.Count > 0 || _newTables is { Count: > 0 };

    /// <summary>True when the table was created earlier in this script, or by another migration of the same change.</summary>
    public bool IsNewTable(QualifiedName table, int before)
    {
        if (_created.TryGetValue(table.Name, out var places))
        {
            foreach (var (at, schema) in places)
            {
                if (at >= before) break;
                if (schema is null || table.Schema is null || NameComparer.SameName(schema, table.Schema)) return true;
            }
        }
        return _newTables is not null && (_newTables.Contains(table.ToString()) || _newTables.Contains(table.Name));
    }

    internal bool IsAboutNewTable(Finding finding) =>
        finding.Data.TryGetValue(ExistingTableKey, out var table) && IsNewTable(QualifiedName.Parse(table), finding.Span.Start);

    /// <summary>The first word of a statement, upper-cased.</summary>
    public string FirstWord(ParsedStatement statement)
    {
        foreach (var (token, _) in new StatementTokens(Script, statement).Significant())
            return Script.Text.Text.Substring(token.Start, token.Length).ToUpperInvariant();
        return "";
    }

    public static TextSpan KeywordSpan(ParsedStatement statement) =>
        statement.Model.KeywordSpan.IsEmpty ? statement.Span : statement.Model.KeywordSpan;
}
