using DbAgent.Sql.Syntax;
using DbAgent.Sql.Semantics;

namespace DbAgent.Sql.Tests.Parsing;

public class ParserTests
{
    [Test]
    public void Every_syntax_kind_fits_the_byte_a_tree_node_keeps_it_in() =>
        Assert.That((int)Enum.GetValues<SyntaxKind>().Max(), Is.LessThan(256));

    private static ParsedStatement One(string sql, SqlDialect dialect = SqlDialect.Postgres)
    {
        var script = SqlScript.Parse(sql, dialect);
        Assert.That(script.Statements, Has.Count.EqualTo(1), sql);
        return script.Statements[0];
    }

    [TestCase("SELECT a, b AS c, count(*) FILTER (WHERE x > 1) OVER (PARTITION BY d ORDER BY e ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t", SqlDialect.Postgres)]
    [TestCase("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r", SqlDialect.Postgres)]
    [TestCase("SELECT * FROM a NATURAL JOIN b CROSS JOIN c LEFT OUTER JOIN d USING (id) FULL JOIN e ON e.x = d.x, LATERAL (SELECT * FROM f WHERE f.a = a.a) g", SqlDialect.Postgres)]
    [TestCase("SELECT x FROM t1 UNION SELECT y FROM t2 INTERSECT SELECT z FROM t3 EXCEPT SELECT w FROM t4 ORDER BY 1 LIMIT 5 OFFSET 2", SqlDialect.Postgres)]
    [TestCase("SELECT CASE WHEN a IS NULL THEN 'x' WHEN a BETWEEN 1 AND 2 THEN 'y' ELSE CAST(a AS text) END, a::numeric(10,2), ARRAY[1,2][1], EXISTS (SELECT 1) FROM t", SqlDialect.Postgres)]
    [TestCase("SELECT * FROM t WHERE a IN (SELECT b FROM u) AND c NOT IN (1, 2) AND d LIKE 'x%' ESCAPE '!' AND e = ANY ($1) AND f IS DISTINCT FROM g", SqlDialect.Postgres)]
    [TestCase("INSERT INTO t (a, b) VALUES (1, DEFAULT), (2, 3) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b WHERE t.b < EXCLUDED.b RETURNING *", SqlDialect.Postgres)]
    [TestCase("UPDATE t SET a = u.a, (b, c) = (1, 2) FROM u WHERE t.id = u.id RETURNING t.id", SqlDialect.Postgres)]
    [TestCase("DELETE FROM t USING u WHERE t.id = u.id RETURNING t.*", SqlDialect.Postgres)]
    [TestCase("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND s.d THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)", SqlDialect.Postgres)]
    [TestCase("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY public.t USING btree (lower(email) DESC NULLS LAST, id) INCLUDE (name) WITH (fillfactor = 70) WHERE deleted_at IS NULL", SqlDialect.Postgres)]
    [TestCase("CREATE TABLE IF NOT EXISTS s.t (id bigserial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, org_id int REFERENCES orgs (id) ON DELETE CASCADE, created timestamp with time zone DEFAULT now(), CONSTRAINT ck CHECK (id > 0), FOREIGN KEY (org_id) REFERENCES orgs (id))", SqlDialect.Postgres)]
    [TestCase("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int DEFAULT 0 NOT NULL, DROP COLUMN d CASCADE, ALTER COLUMN e TYPE bigint USING e::bigint, ALTER COLUMN f SET NOT NULL, ALTER COLUMN g DROP DEFAULT, RENAME COLUMN h TO i, ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (id) NOT VALID", SqlDialect.Postgres)]
    [TestCase("SELECT `a`.`b`, COUNT(DISTINCT c) FROM `t` AS `a` FORCE INDEX (ix) STRAIGHT_JOIN u ON u.x = a.x WHERE d REGEXP '^x' GROUP BY 1 WITH ROLLUP LIMIT 3, 4", SqlDialect.MySql)]
    [TestCase("INSERT IGNORE INTO t SET a = 1, b = 'x'", SqlDialect.MySql)]
    [TestCase("DELETE a, b FROM a INNER JOIN b ON a.id = b.id WHERE a.x = 1", SqlDialect.MySql)]
    [TestCase("SELECT TOP 10 PERCENT WITH TIES [a].[b] FROM [dbo].[t] [a] WITH (NOLOCK) OUTER APPLY dbo.fn(a.id) f ORDER BY a.b", SqlDialect.TSql)]
    [TestCase("INSERT INTO #t (a) OUTPUT inserted.a INTO @ids SELECT a FROM dbo.s", SqlDialect.TSql)]
    [TestCase("SELECT CONVERT(varchar(10), d, 120), DATEADD(day, 1, d), TRY_CAST(x AS int) FROM t", SqlDialect.TSql)]
    [TestCase("INSERT OR REPLACE INTO t (a) VALUES (?1)", SqlDialect.Sqlite)]
    [TestCase("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL ON CONFLICT IGNORE) WITHOUT ROWID", SqlDialect.Sqlite)]
    [TestCase("SELECT * FROM t INDEXED BY ix WHERE name GLOB 'ab*'", SqlDialect.Sqlite)]
    [TestCase("SELECT d.id FROM OPENJSON(@json) WITH (id int '$.id', name nvarchar(50)) AS d CROSS APPLY dbo.f(d.id) x", SqlDialect.TSql)]
    [TestCase("SELECT T.c.value('.', 'int') FROM @x.nodes('/Root/row') T(c)", SqlDialect.TSql)]
    [TestCase("SELECT * FROM (DELETE FROM t OUTPUT deleted.id WHERE s = 0) AS d", SqlDialect.TSql)]
    [TestCase("MERGE dbo.T WITH (HOLDLOCK) AS tgt USING (SELECT @a, @b) AS src (a, b) ON tgt.a = src.a WHEN MATCHED THEN UPDATE SET b = src.b;", SqlDialect.TSql)]
    [TestCase("SELECT [1], [2] FROM t AS t1 PIVOT (max(v) FOR rn IN ([1], [2])) AS p", SqlDialect.TSql)]
    [TestCase("SELECT NEXT VALUE FOR dbo.seq OVER (ORDER BY a) FROM t FOR SYSTEM_TIME AS OF '2021-01-01'", SqlDialect.TSql)]
    [TestCase("SELECT 1 AS a FOR JSON PATH, WITHOUT_ARRAY_WRAPPER", SqlDialect.TSql)]
    [TestCase("SELECT JSON_VALUE(j, '$.a' RETURNING CHAR(10)), @@global.time_zone FROM t FOR UPDATE OF t, u", SqlDialect.MySql)]
    [TestCase("SELECT timestamp with time zone '2020-01-01 00:00+00', json '{}' ->> 'a', '{}'::jsonb ? 'k'", SqlDialect.Postgres)]
    [TestCase("INSERT INTO t (a.b, c[1]) VALUES (1, 2)", SqlDialect.Postgres)]
    [TestCase("SELECT * FROM a JOIN b JOIN c ON c.id = b.id ON b.id = a.id", SqlDialect.Postgres)]
    [TestCase("SELECT * FROM json_to_record('{}') AS x(a int, b text)", SqlDialect.Postgres)]
    [TestCase("SELECT 'foo'\n  'bar', U&'d!0061t' UESCAPE '!' FROM t WHERE a OPERATOR(pg_catalog.=) 1 ORDER BY b USING OPERATOR(pg_catalog.<)", SqlDialect.Postgres)]
    // PostgreSQL forms from its regression suite that libpg_query accepts.
    [TestCase("SELECT @@ b.f1, @-@ p, # poly, ?| l FROM box_tbl b, path_tbl p WHERE ?- l", SqlDialect.Postgres)]
    [TestCase("SELECT c2[2].f2, (p.hobbies).equipment.name FROM comptable, person p", SqlDialect.Postgres)]
    [TestCase("SELECT interval(0) '1 day 01:23:45', char(20) 'x', timestamp(2) without time zone 'now', interval::interval FROM t", SqlDialect.Postgres)]
    [TestCase("SELECT COLLATION FOR ('foo'::text)", SqlDialect.Postgres)]
    [TestCase("SELECT x.* FROM j1 JOIN j2 USING (i) AS x WHERE x.i = 1", SqlDialect.Postgres)]
    [TestCase("SELECT * FROM json_populate_record(null::record, '{}') AS (x int, y text)", SqlDialect.Postgres)]
    [TestCase("SELECT * FROM t1 LEFT JOIN ((SELECT a FROM t2) s1 JOIN t3 ON t3.a = s1.a) ON s1.a = t1.a", SqlDialect.Postgres)]
    [TestCase("SELECT * FROM t WHERE a = ANY ((SELECT array_agg(i) FROM g)::int[]) AND b IN ((SELECT 1), (SELECT 2))", SqlDialect.Postgres)]
    [TestCase("MERGE INTO t USING s1 JOIN s2 ON s1.id = s2.id ON t.id = s1.id WHEN NOT MATCHED THEN INSERT VALUES (s1.id)", SqlDialect.Postgres)]
    [TestCase("INSERT OPENQUERY (OracleSvr, 'SELECT name FROM joe.titles') VALUES ('NewTitle')", SqlDialect.TSql)]
    [TestCase("DELETE OPENROWSET('SQLNCLI', 'Server=Seattle1;Trusted_Connection=yes;', Department) WHERE id = 1", SqlDialect.TSql)]
    [TestCase("DELETE FROM OPENDATASOURCE('SQLNCLI', 'Data Source=s').AdventureWorks.HumanResources.Department WHERE DepartmentID = 17", SqlDialect.TSql)]
    public void Real_sql_parses_without_error_nodes(string sql, SqlDialect dialect)
    {
        var statement = One(sql, dialect);
        var errors = statement.Syntax.DescendantsAndSelf().Where(n => n.Kind == SyntaxKind.Error || n.IsMissing).Select(n => $"{n.Kind} at {n.Span.Start - statement.Span.Start}: '{sql.Substring(n.Span.Start, Math.Min(30, sql.Length - n.Span.Start))}'").ToList();
        Assert.That(errors, Is.Empty);
        Assert.That(statement.HasSyntaxErrors, Is.False);
        Assert.That(statement.Model.IsOpaque, Is.False);
    }

    [Test]
    public void Every_node_lies_within_its_parent_and_the_root_spans_the_statement()
    {
        const string sql = "select a.x, (select max(y) from b where b.id = a.id) from a join c on c.k = a.k where a.z in (1, 2) order by 1;";
        var statement = One(sql);
        Assert.That(statement.Syntax.Span, Is.EqualTo(statement.Span));
        var stack = new Stack<SyntaxNode>();
        stack.Push(statement.Syntax);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var child in node.Children)
            {
                Assert.That(node.Span.Contains(child.Span), Is.True, $"{child} outside {node}");
                stack.Push(child);
            }
        }
    }

    [Test]
    public void A_half_typed_statement_recovers_with_a_missing_node_and_keeps_what_it_saw()
    {
        var statement = One("SELECT a FROM orders o WHERE o.id = ");
        Assert.That(statement.HasSyntaxErrors, Is.True);
        Assert.That(statement.Syntax.DescendantsAndSelf().Any(n => n.IsMissing), Is.True);
        Assert.That(statement.Model.Relations.Single().Name.Name, Is.EqualTo("orders"));
        Assert.That(statement.Model.HasWhere, Is.True);
    }

    [Test]
    public void Leftover_tokens_become_an_error_node_not_an_exception()
    {
        var statement = One("SELECT a FROM t ) garbage here");
        Assert.That(statement.Syntax.DescendantsAndSelf().Any(n => n.Kind == SyntaxKind.Error), Is.True);
        Assert.That(statement.Model.Kind, Is.EqualTo(StatementKind.Select));
    }

    [Test]
    public void Unknown_statements_are_opaque_with_the_relations_they_show()
    {
        var statement = One("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
        Assert.That(statement.Model.IsOpaque, Is.True);
        Assert.That(statement.HasSyntaxErrors, Is.False);
        Assert.That(statement.Model.Relations.Select(r => r.Name.Name), Is.EqualTo(new[] { "accounts" }));

        var prepared = One("PREPARE q AS SELECT * FROM orders WHERE id = $1");
        Assert.That(prepared.Model.IsOpaque, Is.True);
        Assert.That(prepared.Model.Relations.Select(r => r.Name.Name), Is.EqualTo(new[] { "orders" }));
    }

    [Test]
    public void Keyword_span_is_the_leading_keywords_after_a_with_clause()
    {
        const string sql = "WITH x AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM x)";
        var model = One(sql).Model;
        Assert.That(model.Kind, Is.EqualTo(StatementKind.Delete));
        Assert.That(sql.Substring(model.KeywordSpan.Start, model.KeywordSpan.Length), Is.EqualTo("DELETE FROM"));
        Assert.That(model.Span, Is.EqualTo(new DbAgent.Sql.Text.TextSpan(0, sql.Length)));
    }

    [TestCase("BEGIN", StatementKind.Transaction, "BEGIN")]
    [TestCase("COMMIT", StatementKind.Transaction, "COMMIT")]
    [TestCase("ROLLBACK TO SAVEPOINT s1", StatementKind.Transaction, "ROLLBACK")]
    [TestCase("SET search_path = app, public", StatementKind.Set, "search_path")]
    [TestCase("CREATE MATERIALIZED VIEW mv AS SELECT * FROM t", StatementKind.CreateMaterializedView, null)]
    [TestCase("CREATE SEQUENCE s START 1", StatementKind.CreateSequence, null)]
    [TestCase("CREATE TYPE mood AS ENUM ('sad', 'ok')", StatementKind.CreateType, null)]
    [TestCase("ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok'", StatementKind.AlterType, null)]
    [TestCase("CREATE SCHEMA IF NOT EXISTS app", StatementKind.CreateSchema, null)]
    [TestCase("DROP TABLE IF EXISTS a, b CASCADE", StatementKind.DropTable, null)]
    [TestCase("DROP INDEX CONCURRENTLY ix", StatementKind.DropIndex, null)]
    [TestCase("TRUNCATE TABLE a, b", StatementKind.Truncate, null)]
    [TestCase("EXPLAIN ANALYZE SELECT 1", StatementKind.Explain, null)]
    [TestCase("VACUUM FULL t", StatementKind.Vacuum, null)]
    [TestCase("GRANT SELECT ON t TO u", StatementKind.Grant, null)]
    public void Statement_kinds(string sql, StatementKind kind, string? detail)
    {
        var model = One(sql).Model;
        Assert.That(model.Kind, Is.EqualTo(kind));
        Assert.That(model.Detail, Is.EqualTo(detail));
    }

    [Test]
    public void Data_modifying_ctes_and_routine_bodies_show_their_relations()
    {
        var cte = One("WITH moved AS (DELETE FROM queue WHERE done RETURNING *) INSERT INTO archive SELECT * FROM moved").Model;
        Assert.That(cte.Kind, Is.EqualTo(StatementKind.Insert));
        Assert.That(cte.Relations.Select(r => (r.Name.Name, r.Role, r.IsCommonTableExpression)), Is.EqualTo(new[]
        {
            ("queue", RelationRole.Written, false), ("archive", RelationRole.Written, false), ("moved", RelationRole.Read, true),
        }));
        var body = One("CREATE FUNCTION f() RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT id FROM orders; END").Model;
        Assert.That((body.Kind, body.Relations.Single().Name.Name), Is.EqualTo((StatementKind.CreateFunction, "orders")));
        var quoted = One("CREATE FUNCTION f() RETURNS int AS $$ SELECT count(*) FROM orders $$ LANGUAGE sql").Model;
        Assert.That(quoted.Relations, Is.Empty, "a string body is the routine's text, not the statement's relations");
    }

    [Test]
    public void Tsql_value_methods_are_calls_on_the_column_not_functions_named_after_it()
    {
        const string sql = "SELECT n.c.value('@id', 'int'), @x.query('.').query('.') FROM t CROSS APPLY t.x.nodes('/r') AS n(c) WHERE dbo.Value(1) = 1";
        var statement = One(sql, SqlDialect.TSql);
        Assert.That(statement.HasSyntaxErrors, Is.False);
        var calls = statement.Syntax.DescendantsAndSelf().Where(n => n.Kind == SyntaxKind.FunctionCall).ToList();
        string Target(SyntaxNode call) => sql.Substring(call[0].Span.Start, call[0].Span.Length);
        var methods = calls.Where(c => c.Tag == Parser.MethodCallTag).Select(c => (Target(c), c[0].Kind, sql.Substring(c[1].Span.Start, c[1].Span.Length))).ToList();
        Assert.That(methods, Is.EquivalentTo(new[]
        {
            ("n.c", SyntaxKind.ColumnReference, "value"),
            ("@x.query('.')", SyntaxKind.FunctionCall, "query"),
            ("@x", SyntaxKind.Parameter, "query"),
            ("t.x", SyntaxKind.ColumnReference, "nodes"),
        }));
        // Methods are case-sensitive: dbo.Value(1) is a function of schema dbo.
        var function = calls.Single(c => c.Tag != Parser.MethodCallTag);
        Assert.That(sql.Substring(function[0].Span.Start, function[0].Span.Length), Is.EqualTo("dbo.Value"));
        Assert.That(statement.Model.Relations.Select(r => r.Name.ToString()), Is.EqualTo(new[] { "t" }), "t.x.nodes(..) is not a table x.nodes");
    }

    [Test]
    public void Tsql_go_sharing_a_line_is_an_alias_as_for_scriptdom()
    {
        var script = SqlScript.Parse("SELECT foo FROM bar GO\nGO\nSELECT go FROM t", SqlDialect.TSql);
        Assert.That(script.Statements, Has.Count.EqualTo(2));
        Assert.That(script.Statements.Select(s => s.HasSyntaxErrors), Is.All.False);
        Assert.That(script.Statements[0].Model.Relations.Single().Alias, Is.EqualTo("GO"));
        Assert.That(script.Statements[0].Slice.Terminator, Is.EqualTo(DbAgent.Sql.Lexing.StatementTerminator.BatchSeparator));
        Assert.That(script.Statements[1].Model.Columns.Single().Name, Is.EqualTo("go"));
    }

    [Test]
    public void Tsql_bulk_insert_writes_its_table()
    {
        var script = SqlScript.Parse("BULK INSERT dbo.Sales\nFROM 'C:\\data\\sales.csv'\nWITH (FIRSTROW = 2, FIELDTERMINATOR = ',', ORDER (id ASC))\nSELECT count(*) FROM dbo.Sales", SqlDialect.TSql);
        Assert.That(script.Statements, Has.Count.EqualTo(2), "BULK and INSERT are one statement");
        var bulk = script.Statements[0];
        Assert.That(bulk.HasSyntaxErrors, Is.False);
        Assert.That(bulk.Model.Kind, Is.EqualTo(StatementKind.Insert));
        Assert.That(bulk.Model.Relations.Select(r => (r.Name.ToString(), r.Role)), Is.EqualTo(new[] { ("dbo.Sales", RelationRole.Written) }));
        Assert.That(One("BULK INSERT t FROM", SqlDialect.TSql).HasSyntaxErrors, Is.True, "the file is missing");
    }

    [TestCase("DECLARE c CURSOR LOCAL FORWARD_ONLY FOR SELECT id, name FROM dbo.T WHERE id > 0 FOR UPDATE OF name, id")]
    [TestCase("DECLARE c INSENSITIVE SCROLL CURSOR FOR SELECT id FROM dbo.T FOR UPDATE")]
    [TestCase("DECLARE c CURSOR GLOBAL SCROLL KEYSET FOR SELECT id FROM dbo.T FOR READ ONLY")]
    public void Tsql_cursor_declarations_keep_their_query_and_its_for_update(string sql)
    {
        var statement = One(sql, SqlDialect.TSql);
        Assert.That(statement.HasSyntaxErrors, Is.False);
        Assert.That(statement.Model.Relations.Select(r => (r.Name.ToString(), r.Role)), Is.EqualTo(new[] { ("dbo.T", RelationRole.Read) }));
        var locking = statement.Syntax.DescendantsAndSelf().Single(n => n.Kind == SyntaxKind.LockingClause);
        Assert.That(locking.Span.End, Is.EqualTo(statement.Span.End));
    }

    [Test]
    public void Postgres_policies_name_a_command_not_a_query()
    {
        var statement = One("CREATE POLICY p ON accounts AS RESTRICTIVE FOR SELECT TO app USING (owner = current_user)");
        Assert.That(statement.HasSyntaxErrors, Is.False);
        Assert.That(statement.Model.Relations.Select(r => r.Name.Name), Is.EqualTo(new[] { "accounts" }));
    }

    [Test]
    public void Tsql_statements_without_semicolons_become_separate_statements()
    {
        var script = SqlScript.Parse("UPDATE t SET a = 1\nDELETE FROM u\nSELECT * FROM v\nALTER TABLE t DROP COLUMN IF EXISTS c\nIF EXISTS (SELECT 1 FROM t) DROP TABLE t", SqlDialect.TSql);
        Assert.That(script.Statements.Select(s => s.Model.Kind), Is.EqualTo(new[] { StatementKind.Update, StatementKind.Delete, StatementKind.Select, StatementKind.AlterTable, StatementKind.Other }));
        Assert.That(script.Statements[1].Model.HasWhere, Is.False);
    }
}
