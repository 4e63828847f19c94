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

    private readonly List<(int At, QualifiedName Table)> _created = [];
    private readonly IReadOnlySet<string>? _newTables;
    private readonly bool[] _inTransaction;

    public ScriptFacts(SqlScript script, IReadOnlySet<string>? newTables = null)
    {
        Script = script;
        _newTables = newTables;
        var statements = script.Statements;
        _inTransaction = new bool[statements.Count];
        var open = false;
        for (var i = 0; i < statements.Count; i++)
        {
            var model = statements[i].Model;
            if (model.Kind == StatementKind.Transaction)
            {
                var word = model.Detail ?? "";
                if (word is "BEGIN" or "START") open = true;
                else if (word is "COMMIT" or "ROLLBACK" or "END" or "ABORT") open = false;
                continue;
            }
            _inTransaction[i] = open;
            foreach (var action in model.Ddl)
                if (action is CreateTableAction create) _created.Add((statements[i].Span.Start, create.Table));
        }
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
        foreach (var (at, name) in _created)
            if (at < before && NameComparer.SameObject(name, table)) return true;
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

    public TextSpan KeywordSpan(ParsedStatement statement) =>
        statement.Model.KeywordSpan.IsEmpty ? statement.Span : statement.Model.KeywordSpan;
}
