using DbAgent.Agent.Chat;
using DbAgent.Sql;
using DbAgent.Sql.Text;

namespace DbAgent.Agent.Tests.Chat;

public class SlashCommandTests
{
    [Test]
    public async Task Review_names_the_rule_and_points_at_the_statement()
    {
        var context = ChatHarness.Context("SELECT 1;\nDELETE FROM orders;\n");
        var (answer, sink) = await ChatHarness.RunAsync(context, "review");
        var markdown = sink.ToMarkdown();

        Assert.That(markdown, Does.Contain("`delete-without-where`"));
        Assert.That(markdown, Does.Contain("line 2"));
        var finding = context.Document!.Findings.Single(f => f.RuleId == "delete-without-where");
        var reference = sink.Parts.OfType<ReferencePart>().First();
        Assert.That(reference.Uri, Is.EqualTo(ChatHarness.Uri));
        Assert.That(reference.Range, Is.EqualTo(context.Document.RangeOf(finding.Span)));
        Assert.That(reference.Range!.Value.Start.Line, Is.EqualTo(1));
        // Why and how to fix, from the rule's doc page.
        Assert.That(markdown, Does.Contain("Why it matters").And.Contain("removes every row"));
        Assert.That(markdown, Does.Contain("How to fix").And.Contain("TRUNCATE"));
        Assert.That(answer.Command, Is.EqualTo("review"));
        Assert.That(answer.Followups, Is.Not.Empty);
        Assert.That(answer.Followups.Select(f => f.Command), Does.Contain("optimize"));
    }

    [Test]
    public async Task Review_of_a_clean_file_says_so_and_what_was_checked()
    {
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context("DELETE FROM orders WHERE id = 1;"), "review");
        Assert.That(markdown, Does.Contain("No findings"));
        Assert.That(markdown, Does.Contain("need a connection"));
        Assert.That(markdown, Does.Not.Contain("delete-without-where"));
    }

    [Test]
    public async Task Review_without_a_document_asks_for_one()
    {
        var (answer, sink) = await ChatHarness.RunAsync(new ChatContext(), "review");
        Assert.That(sink.ToMarkdown(), Does.Contain("no SQL file open"));
        Assert.That(answer.Followups, Is.Not.Empty);
    }

    [Test]
    public async Task Indexes_puts_equality_before_range_and_serves_the_order()
    {
        var context = ChatHarness.Context("SELECT * FROM orders WHERE customer_id = $1 AND created_at > now() - interval '1 day' ORDER BY created_at DESC;");
        var markdown = await ChatHarness.MarkdownAsync(context, "indexes");
        Assert.That(markdown, Does.Contain("orders(customer_id, created_at)"));
        Assert.That(markdown, Does.Contain("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_created_at ON orders (customer_id, created_at);"));
        Assert.That(markdown, Does.Contain("cannot run inside a transaction block"));
    }

    [Test]
    public async Task Indexes_weighs_one_set_for_the_whole_file_and_merges_a_prefix()
    {
        var context = ChatHarness.Context("SELECT id FROM orders WHERE customer_id = 7|;\nSELECT id FROM orders WHERE customer_id = 8 AND status = 'new';\nSELECT id FROM orders WHERE customer_id = 9;\n");
        var markdown = await ChatHarness.MarkdownAsync(context, "indexes");
        Assert.That(markdown, Does.Contain("**For the whole file** (2 query shape(s)"), "the first and third differ only by a constant");
        Assert.That(markdown, Does.Contain("not verified by a planner"));
        var section = markdown[markdown.IndexOf("**For the whole file**", StringComparison.Ordinal)..];
        Assert.That(section, Does.Contain("ix_orders_customer_id_status ON orders (customer_id, status)"));
        Assert.That(section, Does.Not.Contain("ix_orders_customer_id ON"), "(customer_id) is a prefix of (customer_id, status): one index serves both");
    }

    [TestCase(SqlDialect.MySql, "ALTER TABLE orders ADD INDEX ix_orders_customer_id_created_at (customer_id, created_at), ALGORITHM=INPLACE, LOCK=NONE;")]
    [TestCase(SqlDialect.TSql, "CREATE NONCLUSTERED INDEX ix_orders_customer_id_created_at ON orders (customer_id, created_at) WITH (ONLINE = ON);")]
    [TestCase(SqlDialect.Sqlite, "CREATE INDEX IF NOT EXISTS ix_orders_customer_id_created_at ON orders (customer_id, created_at);")]
    public async Task Indexes_use_each_engine_online_ddl(SqlDialect dialect, string ddl)
    {
        var context = ChatHarness.Context("SELECT id FROM orders WHERE customer_id = 7 AND created_at > '2024-01-01' ORDER BY created_at;", dialect);
        var markdown = await ChatHarness.MarkdownAsync(context, "indexes");
        Assert.That(markdown, Does.Contain(ddl));
    }

    [Test]
    public async Task Explain_describes_the_statement_at_the_caret_and_says_a_plan_needs_a_connection()
    {
        var context = ChatHarness.Context("SELECT 1;\nSELECT o.id FROM orders o WHERE o.status = 'paid' ORDER BY o.created_at DESC LIMIT 10|;\n");
        var (answer, sink) = await ChatHarness.RunAsync(context, "explain");
        var markdown = sink.ToMarkdown();
        Assert.That(markdown, Does.Contain("A query (SELECT)"));
        Assert.That(markdown, Does.Contain("`orders` as `o`: read"));
        Assert.That(markdown, Does.Contain("equality"));
        Assert.That(markdown, Does.Contain("`o.created_at` DESC"));
        Assert.That(markdown, Does.Contain("at most 10 rows"));
        Assert.That(markdown, Does.Contain("needs a connection").And.Contain("dbagent.connections"));
        Assert.That(sink.Parts.OfType<ReferencePart>().Single().Range!.Value.Start.Line, Is.EqualTo(1));
        Assert.That(answer.Followups.Select(f => f.Command), Does.Contain("indexes"));
    }

    [Test]
    public async Task Optimize_names_the_anti_patterns_of_the_query()
    {
        var context = ChatHarness.Context("SELECT * FROM users WHERE lower(email) = $1 OR name LIKE '%smith%' ORDER BY created_at;");
        var markdown = await ChatHarness.MarkdownAsync(context, "optimize");
        Assert.That(markdown, Does.Contain("`select-star`"));
        Assert.That(markdown, Does.Contain("`function-on-column`"));
        Assert.That(markdown, Does.Contain("`leading-wildcard-like`"));
        Assert.That(markdown, Does.Contain("`or-across-columns`"));
        Assert.That(markdown, Does.Contain("ORDER BY without LIMIT"));
    }

    [Test]
    public async Task Optimize_warns_about_not_in_with_a_subquery()
    {
        var context = ChatHarness.Context("SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders) LIMIT 50;");
        var markdown = await ChatHarness.MarkdownAsync(context, "optimize");
        Assert.That(markdown, Does.Contain("`not-in-subquery`").And.Contain("NOT EXISTS"));
    }

    [Test]
    public async Task Migrations_flags_a_blocking_index_build_and_a_not_null_column_without_default()
    {
        var sql = "CREATE INDEX ix_orders_customer ON orders (customer_id);\nALTER TABLE orders ADD COLUMN region text NOT NULL;\nDROP TABLE legacy_orders;\n";
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context(sql), "migrations");
        Assert.That(markdown, Does.Contain("without CONCURRENTLY").And.Contain("SHARE lock"));
        Assert.That(markdown, Does.Contain("NOT NULL without a default"));
        Assert.That(markdown, Does.Contain("DROP TABLE legacy_orders"));
        Assert.That(markdown, Does.Contain("3 DDL statements"));
    }

    [Test]
    public async Task Migrations_is_engine_aware()
    {
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context("CREATE INDEX ix_orders_customer ON orders (customer_id);", SqlDialect.TSql), "migrations");
        Assert.That(markdown, Does.Contain("ONLINE = ON"));
        Assert.That(markdown, Does.Not.Contain("CONCURRENTLY"));
    }

    [TestCase(SqlDialect.Postgres, "SET lock_timeout = '5s'")]
    [TestCase(SqlDialect.MySql, "SET SESSION lock_wait_timeout = 5")]
    [TestCase(SqlDialect.TSql, "SET LOCK_TIMEOUT 5000")]
    [TestCase(SqlDialect.Sqlite, "PRAGMA busy_timeout = 5000")]
    public async Task Migrations_gives_the_lock_advice_of_the_files_engine_only(SqlDialect dialect, string advice)
    {
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context("CREATE INDEX ix_orders_note ON orders (note);\nALTER TABLE orders ADD COLUMN note text;\nDROP TABLE legacy_orders;\n", dialect), "migrations");
        Assert.That(markdown, Does.Contain(advice));
        if (dialect == SqlDialect.Sqlite) Assert.That(markdown, Does.Not.Contain("CONCURRENTLY").And.Not.Contain("ONLINE").And.Not.Contain("ALGORITHM"));
        var others = new[] { "lock_timeout", "lock_wait_timeout", "LOCK_TIMEOUT", "busy_timeout" }.Where(a => !advice.Contains(a, StringComparison.Ordinal));
        foreach (var other in others)
            Assert.That(markdown, Does.Not.Contain(other), $"{dialect} got another engine's advice");
    }

    [Test]
    public async Task Migrations_on_a_file_without_ddl_says_there_is_nothing_to_check()
    {
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context("SELECT 1;"), "migrations");
        Assert.That(markdown, Does.Contain("no DDL"));
    }

    [Test]
    public async Task Stats_without_a_connection_says_how_to_configure_one()
    {
        var (answer, sink) = await ChatHarness.RunAsync(ChatHarness.Context("SELECT * FROM orders;", SqlDialect.MySql), "stats");
        var markdown = sink.ToMarkdown();
        Assert.That(markdown, Does.Contain("needs a connection"));
        Assert.That(markdown, Does.Contain("\"engine\": \"mysql\""));
        Assert.That(markdown, Does.Contain("DbAgent: Add Connection"));
        Assert.That(answer.Followups, Is.Not.Empty);
    }

    [Test]
    public async Task Stats_with_an_unreachable_connection_says_why()
    {
        var context = ChatHarness.Context("SELECT * FROM orders;") with { ConnectionName = "shop", ConnectionProblem = "the server did not answer within 5 s" };
        var markdown = await ChatHarness.MarkdownAsync(context, "stats");
        Assert.That(markdown, Does.Contain("**shop** is not usable right now: the server did not answer within 5 s"));
    }

    [TestCase(SqlDialect.Postgres, "pg_basebackup", "archive_command", "recovery_target_time")]
    [TestCase(SqlDialect.MySql, "mysqldump --single-transaction", "mariabackup --prepare", "mysqlbinlog")]
    [TestCase(SqlDialect.TSql, "WITH DIFFERENTIAL", "BACKUP LOG", "STOPAT")]
    [TestCase(SqlDialect.Sqlite, ".backup", "VACUUM INTO", "integrity_check")]
    public async Task Backup_gives_the_detected_engine_commands(SqlDialect dialect, string a, string b, string c)
    {
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context("SELECT 1;", dialect), "backup");
        Assert.That(markdown, Does.Contain(a).And.Contain(b).And.Contain(c));
        Assert.That(markdown, Does.Contain("active file's dialect"));
    }

    [TestCase(SqlDialect.Postgres, "PgBouncer", "PARTITION BY RANGE")]
    [TestCase(SqlDialect.MySql, "innodb_buffer_pool_size", "ProxySQL")]
    [TestCase(SqlDialect.TSql, "ApplicationIntent=ReadOnly", "Query Store")]
    [TestCase(SqlDialect.Sqlite, "journal_mode = WAL", "busy_timeout")]
    public async Task Scaling_gives_the_detected_engine_guidance(SqlDialect dialect, string a, string b)
    {
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context("SELECT 1;", dialect), "scaling");
        Assert.That(markdown, Does.Contain(a).And.Contain(b));
    }

    [Test]
    public async Task Backup_without_any_engine_says_it_defaults_to_postgres()
    {
        var markdown = await ChatHarness.MarkdownAsync(new ChatContext(), "backup");
        Assert.That(markdown, Does.Contain("No engine detected").And.Contain("pg_dump"));
    }

    [Test]
    public async Task Every_command_ends_with_followups_to_other_commands()
    {
        var context = ChatHarness.Context("SELECT * FROM orders WHERE id = 1;\nDELETE FROM orders;\n");
        foreach (var command in new ChatOrchestrator().CommandNames)
        {
            var (answer, sink) = await ChatHarness.RunAsync(context, command);
            Assert.That(sink.Parts.OfType<MarkdownPart>(), Is.Not.Empty, command);
            Assert.That(answer.Followups, Is.Not.Empty, command);
            Assert.That(answer.Followups.All(f => f.Command != command), Is.True, command);
            Assert.That(answer.Command, Is.EqualTo(command));
        }
    }

    [Test]
    public async Task An_unknown_command_lists_the_commands()
    {
        var (answer, sink) = await ChatHarness.RunAsync(ChatHarness.Context("SELECT 1;"), "vacuum");
        Assert.That(sink.ToMarkdown(), Does.Contain("`/vacuum` is not a command").And.Contain("`/indexes`"));
        Assert.That(answer.Command, Is.Null);
    }
}
