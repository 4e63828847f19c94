using DbAgent.Databases.Connections;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Tests.Connections;

/// <summary>What a user reads when a connection fails says what is wrong (issue 12): a missing password is not "the server is down".</summary>
[TestFixture]
public sealed class FailureWordingTests
{
    private static async Task<ConnectionFailure> FailureOf(string connectionString, DatabaseEngine engine)
    {
        var target = ConnectionTargetParser.FromConnectionString(connectionString, engine, "app");
        try
        {
            await using var session = await ProviderRegistry.Default.OpenAsync(target, CancellationToken.None);
        }
        catch (DatabaseAccessException e)
        {
            return e.Failure;
        }
        catch (Exception e)
        {
            return ConnectionFailure.From(e, target);
        }
        Assert.Inconclusive("the server accepted a login without a password: trust authentication, nothing to word");
        return null!;
    }

    [Test]
    public async Task A_missing_postgres_password_says_no_password_was_given()
    {
        var admin = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin)) Assert.Ignore("DBAGENT_TEST_POSTGRES is not set: run through .ci/run (or export it).");
        var failure = await FailureOf(new NpgsqlConnectionStringBuilder(admin) { Password = null }.ConnectionString, DatabaseEngine.Postgres);
        Assert.That(failure.Kind, Is.EqualTo(ConnectionFailureKind.AuthenticationFailed));
        Assert.That(failure.Message, Does.Contain("no password").And.Not.Contain("down"));
    }

    [Test]
    public async Task A_missing_mysql_password_says_no_password_was_given()
    {
        var admin = Environment.GetEnvironmentVariable("DBAGENT_TEST_MYSQL");
        if (string.IsNullOrEmpty(admin)) Assert.Ignore("DBAGENT_TEST_MYSQL is not set: run through .ci/run (or export it).");
        var failure = await FailureOf(new MySqlConnectionStringBuilder(admin) { Password = "" }.ConnectionString, DatabaseEngine.MySql);
        Assert.That(failure.Kind, Is.EqualTo(ConnectionFailureKind.AuthenticationFailed));
        Assert.That(failure.Message, Does.Contain("no password").And.Not.Contain("down"));
    }

    [Test]
    public void A_timeout_while_connecting_is_slow_not_unreachable()
    {
        var target = ConnectionTargetParser.FromConnectionString("Host=db.internal;Username=app;Database=app", DatabaseEngine.Postgres, "app");
        var failure = ConnectionFailure.From(new NpgsqlException("Exception while connecting", new TimeoutException("The operation has timed out.")), target);
        Assert.That(failure.Kind, Is.EqualTo(ConnectionFailureKind.Timeout));
        Assert.That(failure.Message, Does.Not.Contain("Cannot reach"));
        var slowRead = ConnectionFailure.From(new NpgsqlException("Exception while reading from stream", new System.IO.IOException("read", new TimeoutException())), target);
        Assert.That(slowRead.Kind, Is.EqualTo(ConnectionFailureKind.Timeout));
        Assert.That(slowRead.Message, Does.Contain("did not answer in time"));
    }
}
