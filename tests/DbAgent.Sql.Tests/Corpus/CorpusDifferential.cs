using System.Diagnostics;
using System.Text.Json;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Validation;

// Shared by the NUnit corpus tests and `dotnet run --project tests/DbAgent.Benchmarks -- corpus` (linked there), so
// the test output and the command print the same figures. No NUnit here.
namespace DbAgent.Sql.Tests.Corpus;

/// <summary>Finds ../shared/corpora from the repository root (the folder holding DbAgent.sln), or DBAGENT_CORPORA.</summary>
public static class CorpusLocator
{
    public static string? Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DBAGENT_CORPORA");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment)) return fromEnvironment;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "DbAgent.sln"))) continue;
                var corpora = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpora"));
                // A git worktree under /work/wt/<name> sits one level deeper than the main checkout.
                var fromWorktree = Path.GetFullPath(Path.Combine(dir.FullName, "..", "..", "shared", "corpora"));
                if (Directory.Exists(corpora)) return corpora;
                if (Directory.Exists(fromWorktree)) return fromWorktree;
                break;
            }
        }
        return null;
    }

    public static string MissingReason => "The corpora are not at ../shared/corpora from the repository root (nor in DBAGENT_CORPORA).";
}

/// <summary>One corpus line of the report. Reference: the engine grammar that decides which statements count.</summary>
public sealed record CorpusLine(string Corpus, string Reference, int Files, int Statements, int ReferenceAccepted, int NoErrorNode)
{
    /// <summary>Statements (among the accepted) whose relation set we compared, and how many matched; -1: not compared.</summary>
    public int RelationsCompared { get; init; } = -1;
    public int RelationsSame { get; init; }
    /// <summary>Among the compared, those where libpg_query saw at least one relation, and how many of those matched.</summary>
    public int RelationsNonEmpty { get; init; }
    public int RelationsNonEmptySame { get; init; }
    /// <summary>Counted statements whose form the parser did not know (opaque): not errors, but not understood either.</summary>
    public int Opaque { get; init; }
    public TimeSpan Elapsed { get; init; }
    public List<string> Examples { get; init; } = [];

    public double NoErrorRate => ReferenceAccepted == 0 ? 0 : (double)NoErrorNode / ReferenceAccepted;
    public double RelationRate => RelationsCompared <= 0 ? 0 : (double)RelationsSame / RelationsCompared;
}

public static class CorpusDifferential
{
    /// <summary>The bar for every rate of the report.</summary>
    public const double Bar = 0.99;

    /// <summary>
    /// What "our tree has an error node" means: the statement's syntax tree holds an Error or Missing node
    /// (<see cref="ParsedStatement.HasSyntaxErrors"/>), or our lexer reports a certain error inside the statement.
    /// Opaque statements (forms the parser does not know) are not errors, as the parser's contract says; they are
    /// counted apart in the report.
    /// </summary>
    public const string ErrorNodeMeasure = "the statement's syntax tree contains an Error/Missing node, or a lexical error (unterminated/unbalanced) lies in the statement";

    public static bool HasErrorNode(SqlScript script, ParsedStatement statement) =>
        statement.HasSyntaxErrors || script.Errors.Any(e => statement.Span.Contains(e.Span.Start));

    /// <summary>
    /// PostgreSQL regression corpus against libpg_query: each statement our splitter finds and libpg_query accepts
    /// counts; for those, (a) no error node in our tree, (b) the same relations as libpg_query's RangeVars.
    /// </summary>
    public static CorpusLine Postgres(string directory, int maxExamples = 12)
    {
        var stopwatch = Stopwatch.StartNew();
        var files = Directory.GetFiles(directory, "*.sql").OrderBy(f => f, StringComparer.Ordinal).ToList();
        int statements = 0, accepted = 0, noError = 0, compared = 0, same = 0, nonEmpty = 0, nonEmptySame = 0, opaque = 0;
        var examples = new List<string>();
        foreach (var file in files)
        {
            var exampleFromFile = false;
            var text = File.ReadAllText(file);
            var script = SqlScript.Parse(text, SqlDialect.Postgres);
            foreach (var statement in script.Statements)
            {
                statements++;
                var sql = text.Substring(statement.Span.Start, statement.Span.Length);
                var parsed = LibPgQuery.Parse(sql);
                if (parsed.Error is not null || parsed.ParseTreeJson is null) continue;
                accepted++;
                if (statement.Model.IsOpaque) opaque++;
                var hasError = HasErrorNode(script, statement);
                if (!hasError) noError++;

                var theirs = PgRelations.FromParseTree(parsed.ParseTreeJson);
                var ours = statement.Model.Relations.Where(r => !r.IsCommonTableExpression)
                    .Select(r => r.Name.ToString().ToLowerInvariant()).ToHashSet();
                compared++;
                var match = ours.SetEquals(theirs);
                if (match) same++;
                if (theirs.Count > 0)
                {
                    nonEmpty++;
                    if (match) nonEmptySame++;
                }
                if ((hasError || !match) && examples.Count < maxExamples && !exampleFromFile)
                {
                    exampleFromFile = true; // one per file, so the list shows different kinds of difference
                    var line = script.Text.GetLinePosition(statement.Span.Start).Line + 1;
                    var head = OneLine(sql, 90);
                    examples.Add(hasError
                        ? $"{Path.GetFileName(file)}:{line} error node: {head}"
                        : $"{Path.GetFileName(file)}:{line} relations ours [{string.Join(", ", ours.Order())}] libpg_query [{string.Join(", ", theirs.Order())}]: {head}");
                }
            }
        }
        return new CorpusLine("postgres-regress", "libpg_query", files.Count, statements, accepted, noError)
        {
            RelationsCompared = compared, RelationsSame = same, RelationsNonEmpty = nonEmpty, RelationsNonEmptySame = nonEmptySame,
            Elapsed = stopwatch.Elapsed, Examples = examples, Opaque = opaque,
        };
    }

    /// <summary>T-SQL fixtures against ScriptDom: statements ScriptDom accepts should have no error node in our tree.</summary>
    public static CorpusLine TSql(string directory, int maxExamples = 12, string corpus = "sqlfluff-dialects/tsql")
    {
        var stopwatch = Stopwatch.StartNew();
        var files = Directory.GetFiles(directory, "*.sql").OrderBy(f => f, StringComparer.Ordinal).ToList();
        int statements = 0, accepted = 0, noError = 0, opaque = 0;
        var examples = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var script = SqlScript.Parse(text, SqlDialect.TSql);
            foreach (var statement in script.Statements)
            {
                statements++;
                if (TSqlSyntaxValidator.Accepts(text.Substring(statement.Span.Start, statement.Span.Length)) != true) continue;
                accepted++;
                if (statement.Model.IsOpaque) opaque++;
                if (!HasErrorNode(script, statement)) noError++;
                else if (examples.Count < maxExamples)
                    examples.Add($"{Path.GetFileName(file)}:{script.Text.GetLinePosition(statement.Span.Start).Line + 1} error node: {OneLine(text.Substring(statement.Span.Start, statement.Span.Length), 90)}");
            }
        }
        return new CorpusLine(corpus, "ScriptDom", files.Count, statements, accepted, noError) { Elapsed = stopwatch.Elapsed, Examples = examples, Opaque = opaque };
    }

    /// <summary>MySQL and SQLite have no reference grammar at hand: every statement counts, the rate is of those without an error node.</summary>
    public static CorpusLine WithoutReference(string corpus, IReadOnlyList<string> files, SqlDialect dialect, int maxExamples = 12)
    {
        var stopwatch = Stopwatch.StartNew();
        int statements = 0, noError = 0, opaque = 0;
        var examples = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var script = SqlScript.Parse(text, dialect);
            foreach (var statement in script.Statements)
            {
                statements++;
                if (statement.Model.IsOpaque) opaque++;
                if (!HasErrorNode(script, statement)) noError++;
                else if (examples.Count < maxExamples)
                    examples.Add($"{Path.GetFileName(file)}:{script.Text.GetLinePosition(statement.Span.Start).Line + 1} error node: {OneLine(text.Substring(statement.Span.Start, statement.Span.Length), 90)}");
            }
        }
        return new CorpusLine(corpus, "none (all statements)", files.Count, statements, statements, noError) { Elapsed = stopwatch.Elapsed, Examples = examples, Opaque = opaque };
    }

    /// <summary>Procedural T-SQL written for the differential test, in the repository (tests/DbAgent.Sql.Tests/Corpus/tsql-procedural).</summary>
    public static string? ProceduralTSqlFolder()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "DbAgent.sln")))
                    return Path.Combine(dir.FullName, "tests", "DbAgent.Sql.Tests", "Corpus", "tsql-procedural") is var p && Directory.Exists(p) ? p : null;
        return null;
    }

    public static CorpusLine MySql(string corporaRoot) => WithoutReference("sqlfluff-dialects/mysql",
        Directory.GetFiles(Path.Combine(corporaRoot, "sqlfluff-dialects", "mysql"), "*.sql").OrderBy(f => f, StringComparer.Ordinal).ToList(), SqlDialect.MySql);

    public static CorpusLine Sqlite(string corporaRoot) => WithoutReference("chinook/Chinook_Sqlite.sql",
        [Path.Combine(corporaRoot, "chinook", "Chinook_Sqlite.sql")], SqlDialect.Sqlite);

    /// <summary>The whole report, one line per corpus; lines whose reference is missing are left out with a note.</summary>
    public static (List<CorpusLine> Lines, List<string> Notes) Run(string corporaRoot)
    {
        var lines = new List<CorpusLine>();
        var notes = new List<string>();
        if (LibPgQuery.IsAvailable) lines.Add(Postgres(Path.Combine(corporaRoot, "postgres-regress")));
        else notes.Add("postgres-regress: skipped, " + LibPgQuery.UnavailableReason);
        lines.Add(TSql(Path.Combine(corporaRoot, "sqlfluff-dialects", "tsql")));
        if (ProceduralTSqlFolder() is { } procedural) lines.Add(TSql(procedural, corpus: "tsql-procedural (repo)"));
        lines.Add(MySql(corporaRoot));
        lines.Add(Sqlite(corporaRoot));
        return (lines, notes);
    }

    public static void Print(TextWriter writer, IEnumerable<CorpusLine> lines, IEnumerable<string>? notes = null, bool examples = true)
    {
        writer.WriteLine($"Corpus differential report (bar: {Bar:P0}). Error node = {ErrorNodeMeasure}.");
        writer.WriteLine("Relations: every RangeVar of libpg_query's tree (wrapped or in a RangeVar-typed field; schema.name, minus CTE names) plus the tables/views a DROP names, against our model's relations that are not CTEs, case-insensitively.");
        writer.WriteLine($"{"corpus",-28} {"reference",-22} {"files",5} {"stmts",7} {"accepted",8} {"no error node",22} {"same relations",22} {"(naming >=1)",22} {"opaque",7} {"time",7}");
        var list = lines.ToList();
        foreach (var l in list)
        {
            var relations = l.RelationsCompared < 0 ? "n/a" : $"{l.RelationsSame}/{l.RelationsCompared} {l.RelationRate,7:P2}";
            var nonEmpty = l.RelationsCompared < 0 ? "" : $"{l.RelationsNonEmptySame}/{l.RelationsNonEmpty} {(l.RelationsNonEmpty == 0 ? 0 : (double)l.RelationsNonEmptySame / l.RelationsNonEmpty),7:P2}";
            writer.WriteLine($"{l.Corpus,-28} {l.Reference,-22} {l.Files,5} {l.Statements,7} {l.ReferenceAccepted,8} {$"{l.NoErrorNode}/{l.ReferenceAccepted} {l.NoErrorRate,7:P2}",22} {relations,22} {nonEmpty,22} {l.Opaque,7} {l.Elapsed.TotalSeconds,6:F1}s");
        }
        foreach (var note in notes ?? []) writer.WriteLine("note: " + note);
        if (!examples) return;
        foreach (var l in list.Where(l => l.Examples.Count > 0))
        {
            writer.WriteLine($"first differences in {l.Corpus}:");
            foreach (var e in l.Examples) writer.WriteLine("  " + e);
        }
    }

    private static string OneLine(string sql, int max)
    {
        var collapsed = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= max ? collapsed : collapsed[..max] + "…";
    }
}

/// <summary>The relations libpg_query's JSON parse tree names.</summary>
public static class PgRelations
{
    public static HashSet<string> FromParseTree(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4096 });
        var relations = new List<(string? Schema, string Name)>();
        var ctes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Walk(document.RootElement, relations, ctes);
        return relations
            .Where(r => r.Schema is not null || !ctes.Contains(r.Name))
            .Select(r => (r.Schema is null ? r.Name : r.Schema + "." + r.Name).ToLowerInvariant())
            .ToHashSet();
    }

    private static void Walk(JsonElement element, List<(string?, string)> relations, HashSet<string> ctes)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Walk(item, relations, ctes);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        // SET CONSTRAINTS names constraints, which PostgreSQL's grammar happens to carry in RangeVars: not relations.
        if (element.TryGetProperty("ConstraintsSetStmt", out _)) return;
        // A RangeVar is wrapped as {"RangeVar": {...}} where a field holds any node, and bare where the field's C type
        // is RangeVar* (CreateStmt.relation, InsertStmt.relation, IndexStmt.relation, Constraint.pktable, ...):
        // recognise it by its own fields.
        if (element.TryGetProperty("relname", out var relname) && element.TryGetProperty("relpersistence", out _))
            relations.Add((element.TryGetProperty("schemaname", out var schema) ? schema.GetString() : null, relname.GetString() ?? ""));
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "CommonTableExpr" when property.Value.TryGetProperty("ctename", out var ctename):
                    ctes.Add(ctename.GetString() ?? "");
                    break;
                case "DropStmt":
                    AddDropped(property.Value, relations);
                    break;
            }
            Walk(property.Value, relations, ctes);
        }
    }

    /// <summary>DROP TABLE/VIEW names its objects as lists of strings, not RangeVars; they are relations all the same.</summary>
    private static void AddDropped(JsonElement drop, List<(string?, string)> relations)
    {
        if (!drop.TryGetProperty("removeType", out var type)
            || type.GetString() is not ("OBJECT_TABLE" or "OBJECT_VIEW" or "OBJECT_MATVIEW" or "OBJECT_FOREIGN_TABLE")) return;
        if (!drop.TryGetProperty("objects", out var objects)) return;
        foreach (var obj in objects.EnumerateArray())
        {
            if (!obj.TryGetProperty("List", out var list) || !list.TryGetProperty("items", out var items)) continue;
            var parts = items.EnumerateArray()
                .Select(i => i.TryGetProperty("String", out var s) && s.TryGetProperty("sval", out var v) ? v.GetString() : null)
                .Where(p => p is not null).ToList();
            if (parts.Count == 0) continue;
            relations.Add((parts.Count > 1 ? parts[^2] : null, parts[^1]!));
        }
    }
}
