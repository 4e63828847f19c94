using DbAgent.Databases.Connections;
using DbAgent.Databases.Plans;
using DbAgent.Databases.Tests.Support;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Tests.Engines;

/// <summary>
/// "Analysis never changes a database" against functions that lie about their volatility (issue 12): PostgreSQL folds
/// IMMUTABLE (and, for estimates, STABLE) functions with constant arguments while planning, so EXPLAIN alone would
/// run them. Each function here has a side effect another session can see; after DbAgent explains (or declines to
/// explain) the statement, the side effect must not have happened and the refusal must say why.
/// </summary>
[NonParallelizable]
public sealed class PostgresPlanningRunsNoCodeTests
{
    private ScratchDatabase _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await ScratchDatabase.PostgresAsync();
        await _db.ExecuteAsync("""
            CREATE TABLE items(id int PRIMARY KEY, name text);
            INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 1000) g;
            CREATE FUNCTION takes_lock(k int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(k); RETURN k; END $$;
            CREATE FUNCTION takes_lock_now() RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(777002); RETURN 1; END $$;
            CREATE FUNCTION kills(p int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_terminate_backend(p); RETURN p; END $$;
            CREATE FUNCTION stable_lock(k int) RETURNS int STABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(k); RETURN k; END $$;
            CREATE FUNCTION sql_wrapper(k int) RETURNS int LANGUAGE sql AS $$ SELECT takes_lock(k) $$;
            CREATE FUNCTION plus_one(k int) RETURNS int IMMUTABLE LANGUAGE sql AS $$ SELECT k + 1 $$;
            CREATE FUNCTION volatile_lock(k int) RETURNS int VOLATILE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(k); RETURN k; END $$;
            CREATE FUNCTION lock_op(a int, b int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(777005); RETURN a = b; END $$;
            CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = lock_op);
            CREATE VIEW locked_view AS SELECT id, takes_lock(777004) AS k FROM items;
            """);
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    private async Task<long> AdvisoryLocksHeld(int key)
    {
        await using var c = new NpgsqlConnection(_db.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = @k", c);
        cmd.Parameters.AddWithValue("k", (long)key);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<StatementNotExplainableException?> Explain(string sql)
    {
        await using var session = await ProviderRegistry.Default.OpenAsync(_db.Target("pg"), CancellationToken.None);
        try
        {
            await session.ExplainAsync(sql, new ReadOnlyQueryOptions(), CancellationToken.None);
            return null;
        }
        catch (StatementNotExplainableException e)
        {
            return e;
        }
        finally
        {
            // Held locks would show while DbAgent's session is open: look before it closes.
        }
    }

    [TestCase("SELECT takes_lock(777001)", 777001)]
    [TestCase("SELECT takes_lock_now()", 777002)]
    [TestCase("SELECT * FROM items WHERE id = stable_lock(777003)", 777003)]
    [TestCase("SELECT * FROM locked_view", 777004)]
    [TestCase("SELECT * FROM items WHERE id === 5", 777005)]
    [TestCase("SELECT sql_wrapper(777006)", 777006)]
    public async Task A_function_that_takes_a_lock_is_not_run_by_explain(string sql, int key)
    {
        await using var session = await ProviderRegistry.Default.OpenAsync(_db.Target("pg"), CancellationToken.None);
        StatementNotExplainableException? refused = null;
        try
        {
            await session.ExplainAsync(sql, new ReadOnlyQueryOptions(), CancellationToken.None);
        }
        catch (StatementNotExplainableException e)
        {
            refused = e;
        }
        Assert.That(await AdvisoryLocksHeld(key), Is.EqualTo(0), "planning ran the function: its advisory lock is held by DbAgent's session");
        Assert.That(refused, Is.Not.Null, "the statement is declined");
        Assert.That(refused!.Message, Does.Contain("user-defined").And.Contain("planning"));
    }

    [Test]
    public async Task A_function_that_terminates_another_session_is_not_run_by_explain()
    {
        await using var victim = new NpgsqlConnection(_db.ConnectionString);
        await victim.OpenAsync();
        await using (var pidCmd = new NpgsqlCommand("SELECT pg_backend_pid()", victim))
        {
            var pid = (int)(await pidCmd.ExecuteScalarAsync())!;
            var refused = await Explain($"SELECT kills({pid})");
            Assert.That(refused, Is.Not.Null);
            Assert.That(refused!.Message, Does.Contain("kills(integer)"));
        }
        await using var alive = new NpgsqlCommand("SELECT 1", victim);
        Assert.That(await alive.ExecuteScalarAsync(), Is.EqualTo(1), "the other session was terminated while DbAgent only explained");
    }

    [Test]
    public async Task Built_in_and_volatile_user_functions_are_still_explained()
    {
        Assert.That(await Explain("SELECT * FROM items WHERE id = abs(-5) AND name = lower('N5')"), Is.Null);
        // A volatile function is never called at plan time; only its plan is shown.
        Assert.That(await Explain("SELECT volatile_lock(777007)"), Is.Null);
        Assert.That(await AdvisoryLocksHeld(777007), Is.EqualTo(0));
    }
}

/// <summary>MariaDB/MySQL: EXPLAIN evaluates stored functions that take constant arguments (issue 12).</summary>
[NonParallelizable]
public sealed class MySqlPlanningRunsNoCodeTests
{
    private ScratchDatabase _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await ScratchDatabase.MySqlAsync();
        await _db.ExecuteAsync("""
            CREATE TABLE items(id int PRIMARY KEY, name varchar(20));
            CREATE TABLE audit(n int);
            INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');
            CREATE FUNCTION writes(k int) RETURNS int DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO audit VALUES (k); RETURN k; END;
            CREATE FUNCTION takes_lock(k int) RETURNS int DETERMINISTIC NO SQL BEGIN RETURN GET_LOCK(CONCAT('dbagent_lock_', k), 0); END;
            """);
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    private async Task<long> Scalar(string sql)
    {
        await using var c = new MySqlConnection(_db.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new MySqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [TestCase("SELECT * FROM items WHERE id = takes_lock(7)")]
    [TestCase("SELECT takes_lock(7)")]
    [TestCase("SELECT * FROM items WHERE id = writes(5)")]
    public async Task A_stored_function_is_not_run_by_explain(string sql)
    {
        await using var session = await ProviderRegistry.Default.OpenAsync(_db.Target("my"), CancellationToken.None);
        StatementNotExplainableException? refused = null;
        try
        {
            await session.ExplainAsync(sql, new ReadOnlyQueryOptions(), CancellationToken.None);
        }
        catch (StatementNotExplainableException e)
        {
            refused = e;
        }
        Assert.That(await Scalar("SELECT COALESCE(IS_USED_LOCK('dbagent_lock_7'), 0)"), Is.EqualTo(0), "EXPLAIN ran the function: DbAgent's session holds its lock");
        Assert.That(await Scalar("SELECT count(*) FROM audit"), Is.EqualTo(0), "EXPLAIN ran the function: it wrote a row");
        Assert.That(refused, Is.Not.Null);
        Assert.That(refused!.Message, Does.Contain("stored function"));
    }

    [Test]
    public async Task Built_in_functions_are_still_explained()
    {
        await using var session = await ProviderRegistry.Default.OpenAsync(_db.Target("my"), CancellationToken.None);
        var plan = await session.ExplainAsync("SELECT * FROM items WHERE id = ABS(-2) AND name = LOWER('B')", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(plan.Nodes, Is.Not.Empty);
    }
}
