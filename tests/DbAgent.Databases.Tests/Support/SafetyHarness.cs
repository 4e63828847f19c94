using DbAgent.Databases.Connections;
using DbAgent.Databases.Plans;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Databases.Tests.Support;

/// <summary>
/// Analyses every statement of a destructive script (each alone, with and without the ANALYZE opt-in, and the whole
/// text at once) and records what happened, so a test can prove afterwards that nothing changed.
/// </summary>
public static class SafetyHarness
{
    public sealed record Outcome(string Statement, bool Analyze, string Result, bool WholeScript);

    public static async Task<List<Outcome>> AnalyseAllAsync(IDatabaseSession session, string script, SqlDialect dialect)
    {
        var outcomes = new List<Outcome>();
        var parsed = SqlScript.Parse(script, dialect);
        var texts = parsed.Statements.Select(s => script[s.Span.Start..s.Span.End]).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        texts.Add(script); // the whole file in one call: must be refused, never run as a batch
        foreach (var text in texts)
        {
            foreach (var analyze in new[] { false, true })
            {
                string result;
                try
                {
                    var plan = await session.ExplainAsync(text, new ReadOnlyQueryOptions { Analyze = analyze, StatementTimeoutMs = 5000 }, CancellationToken.None);
                    result = "plan:" + plan.Root.NodeType;
                }
                catch (StatementNotExplainableException e)
                {
                    result = "refused:" + e.Message;
                }
                catch (DatabaseAccessException e)
                {
                    result = "failed:" + e.Failure.Kind;
                }
                outcomes.Add(new Outcome(text.Length > 60 ? text[..60] : text, analyze, result, ReferenceEquals(text, script)));
            }
        }
        return outcomes;
    }

    public const string PostgresScript = """
        DELETE FROM orders WHERE status = 'cancelled';
        DELETE FROM customers;
        UPDATE customers SET email = 'x' || id WHERE id < 100;
        UPDATE orders SET total = 0;
        INSERT INTO customers(email, country) VALUES ('new@example.org', 'se');
        DROP TABLE orders;
        DROP TABLE customers CASCADE;
        TRUNCATE orders;
        TRUNCATE TABLE customers RESTART IDENTITY CASCADE;
        ALTER TABLE orders DROP COLUMN total;
        CREATE INDEX ix_made_by_analysis ON orders(status);
        WITH d AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM d;
        SELECT * INTO orders_copy FROM orders;
        SELECT nextval('orders_id_seq');
        """;

    public const string MySqlScript = """
        DELETE FROM orders WHERE status = 'cancelled';
        DELETE FROM customers;
        UPDATE customers SET email = CONCAT('x', id) WHERE id < 100;
        UPDATE orders SET total = 0;
        INSERT INTO customers(email, country) VALUES ('new@example.org', 'se');
        DROP TABLE orders;
        DROP TABLE customers;
        TRUNCATE orders;
        TRUNCATE TABLE customers;
        ALTER TABLE orders DROP COLUMN total;
        CREATE INDEX ix_made_by_analysis ON orders(status);
        REPLACE INTO customers(id, email) VALUES (1, 'r@example.org');
        """;

    public const string SqliteScript = """
        DELETE FROM orders WHERE status = 'cancelled';
        DELETE FROM customers;
        UPDATE customers SET email = 'x' || id WHERE id < 100;
        UPDATE orders SET total = 0;
        INSERT INTO customers(email, country) VALUES ('new@example.org', 'se');
        DROP TABLE orders;
        DROP TABLE customers;
        ALTER TABLE orders DROP COLUMN total;
        CREATE INDEX ix_made_by_analysis ON orders(status);
        VACUUM;
        """;
}
