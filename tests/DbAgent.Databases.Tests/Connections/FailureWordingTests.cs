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
        Assert.That(slowRead.Message, Does.Contain("did not answer in time: connecting timed out after 5 s"));
    }
}

/// <summary>
/// Each way a connection fails, tried for real against PostgreSQL and MariaDB (issue 12): a wrong password, a closed
/// port on 127.0.0.1, a listener that accepts and never answers (timeout), a host name DNS does not know. Each gets
/// its own kind and words, and the timeout says how long it waited and which setting raises it.
/// </summary>
[TestFixture]
public sealed class FailureKindsTests
{
    private static string Admin(DatabaseEngine engine)
    {
        var variable = engine == DatabaseEngine.Postgres ? "DBAGENT_TEST_POSTGRES" : "DBAGENT_TEST_MYSQL";
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value)) Assert.Ignore($"{variable} is not set: run through .ci/run (or export it).");
        return value;
    }

    /// <summary>The admin connection string with some of its parts replaced.</summary>
    private static string With(DatabaseEngine engine, string? host = null, int? port = null, string? password = null, int? connectTimeout = null)
    {
        var admin = Admin(engine);
        if (engine == DatabaseEngine.Postgres)
        {
            var b = new NpgsqlConnectionStringBuilder(admin) { Pooling = false };
            if (host is not null) b.Host = host;
            if (port is not null) b.Port = port.Value;
            if (password is not null) b.Password = password;
            if (connectTimeout is not null) b.Timeout = connectTimeout.Value;
            return b.ConnectionString;
        }
        var m = new MySqlConnectionStringBuilder(admin) { Pooling = false };
        if (host is not null) m.Server = host;
        if (port is not null) m.Port = (uint)port.Value;
        if (password is not null) m.Password = password;
        if (connectTimeout is not null) m.ConnectionTimeout = (uint)connectTimeout.Value;
        return m.ConnectionString;
    }

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
        Assert.Fail("the connection opened");
        return null!;
    }

    private static int ClosedPort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [TestCase(DatabaseEngine.Postgres)]
    [TestCase(DatabaseEngine.MySql)]
    public async Task A_wrong_password_is_a_refused_login_not_a_server_down(DatabaseEngine engine)
    {
        var failure = await FailureOf(With(engine, password: "certainly-not-the-password"), engine);
        Assert.That(failure.Kind, Is.EqualTo(ConnectionFailureKind.AuthenticationFailed));
        Assert.That(failure.Message, Does.Contain("refused the login: wrong user name or password").And.Not.Contain("down").And.Not.Contain("certainly-not"));
    }

    [TestCase(DatabaseEngine.Postgres)]
    [TestCase(DatabaseEngine.MySql)]
    public async Task A_closed_port_is_a_server_down(DatabaseEngine engine)
    {
        var failure = await FailureOf(With(engine, host: "127.0.0.1", port: ClosedPort()), engine);
        Assert.That(failure.Kind, Is.EqualTo(ConnectionFailureKind.Unreachable));
        Assert.That(failure.Message, Does.StartWith("Cannot reach 'app'").And.Contain("the server is down or not accepting connections"));
        // Npgsql passes the socket's "refused" on; MySqlConnector says only that it could not connect.
        if (engine == DatabaseEngine.Postgres) Assert.That(failure.Message, Does.Contain("connection refused"));
    }

    [TestCase(DatabaseEngine.Postgres)]
    [TestCase(DatabaseEngine.MySql)]
    public async Task A_listener_that_never_answers_is_a_timeout_that_says_how_long_and_what_raises_it(DatabaseEngine engine)
    {
        Admin(engine);
        // Accepts every connection and says nothing: a filtered or hopelessly slow network as the client sees it.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<System.Net.Sockets.TcpClient>();
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            try
            {
                while (true) accepted.Add(await silent.AcceptTcpClientAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
            }
        });
        try
        {
            var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var failure = await FailureOf(With(engine, host: "127.0.0.1", port: port, connectTimeout: 2), engine);
            Assert.That(failure.Kind, Is.EqualTo(ConnectionFailureKind.Timeout), failure.Message);
            Assert.That(failure.Message, Does.Contain("connecting timed out after 2 s").And.Contain("connect_timeout").And.Not.Contain("Cannot reach"));
            Assert.That(failure.Message, Does.Contain(engine == DatabaseEngine.Postgres ? "Timeout=30" : "Connection Timeout=30"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "the user's connect timeout was the one applied");
        }
        finally
        {
            await stop.CancelAsync();
            silent.Stop();
            await loop;
            foreach (var c in accepted) c.Dispose();
        }
    }

    [TestCase(DatabaseEngine.Postgres)]
    [TestCase(DatabaseEngine.MySql)]
    public async Task A_host_name_dns_does_not_know_is_an_unknown_host(DatabaseEngine engine)
    {
        var failure = await FailureOf(With(engine, host: "dbagent-no-such-host.invalid"), engine);
        Assert.That(failure.Kind, Is.EqualTo(ConnectionFailureKind.UnknownHost), failure.Message);
        Assert.That(failure.Message, Does.Contain("the host name 'dbagent-no-such-host.invalid' is unknown").And.Not.Contain("down"));
    }

    [Test]
    public void The_default_connect_timeout_is_DbAgents_and_a_users_own_wins()
    {
        var plain = ConnectionTargetParser.FromUrl("postgres://app@db.example:5432/app", "app");
        Assert.That(DriverConnectionStrings.ConnectTimeoutSeconds(plain), Is.EqualTo(DriverConnectionStrings.DefaultConnectTimeoutSeconds));
        var patient = ConnectionTargetParser.FromUrl("postgres://app@db.example:5432/app?connect_timeout=30", "app");
        Assert.That(DriverConnectionStrings.ConnectTimeoutSeconds(patient), Is.EqualTo(30));
        var mysql = ConnectionTargetParser.FromUrl("mysql://app@db.example:3306/app?connect_timeout=25", "app");
        Assert.That(DriverConnectionStrings.ConnectTimeoutSeconds(mysql), Is.EqualTo(25));
    }
}
