using System.Net.Sockets;
using CsCheck;
using DbAgent.Databases.Connections;
using MySqlConnector;

namespace DbAgent.Databases.Tests.Connections;

public class SecretRedactionTests
{
    [TestCase("postgres://app:Tr0ub4dor@db:5432/shop", "Tr0ub4dor")]
    [TestCase("mysql://root:p@ss@word@127.0.0.1/db", "p@ss@word")]
    [TestCase("Host=db;Username=app;Password=Tr0ub4dor;Database=shop", "Tr0ub4dor")]
    [TestCase("Server=db;Pwd='a;b=c';Database=shop", "a;b=c")]
    [TestCase("Data Source=x;Password=\"q\"\"uoted\";", "q\"\"uoted")]
    [TestCase("sqlserver://sa@h:1433;databaseName=x;password=Tr0ub4dor", "Tr0ub4dor")]
    [TestCase("postgres://u@h/db?password=Tr0ub4dor&sslmode=require", "Tr0ub4dor")]
    [TestCase("PGPASSWORD=Tr0ub4dor psql -h db", "Tr0ub4dor")]
    public void Passwords_are_removed_from_urls_and_connection_strings(string text, string secret)
    {
        var redacted = SecretRedactor.Redact(text);
        Assert.That(redacted, Does.Not.Contain(secret));
        Assert.That(redacted, Does.Contain(SecretRedactor.Mask));
    }

    [Test]
    public void Text_without_secrets_is_unchanged()
    {
        const string text = "Cannot reach 'shop' (postgres localhost:5432/shop): the server is down.";
        Assert.That(SecretRedactor.Redact(text), Is.EqualTo(text));
        Assert.That(SecretRedactor.Redact("postgres://app@db/shop"), Is.EqualTo("postgres://app@db/shop"));
    }

    [Test]
    public void Known_secrets_are_removed_wherever_they_appear()
    {
        Assert.That(SecretRedactor.Redact("login failed for hunter2 at hunter2x", ["hunter2"]), Is.EqualTo("login failed for *** at ***x"));
    }

    [Test]
    public void No_password_survives_redaction_of_any_url_or_key_value_form()
    {
        var password = Gen.String[Gen.Char["abcdefghijkXYZ0123456789!#%^*()-_+[]{}|~"], 6, 30];
        password.Sample(pw =>
        {
            foreach (var text in new[] { $"postgres://user:{pw}@host:5432/db", $"Host=h;Password={pw};Database=d", $"Server=h;PWD={pw}" })
            {
                var redacted = SecretRedactor.Redact(text);
                if (redacted.Contains(pw))
                    throw new AssertionException($"leaked in {redacted}");
            }
        }, iter: 500);
    }

    [Test]
    public void Failure_messages_name_the_kind_and_never_the_password()
    {
        var target = new ConnectionTarget("shop", DatabaseEngine.MySql) { Host = "db", Port = 3306, Database = "shop", Password = "Sup3rSecret" };
        var cases = new (Exception Error, ConnectionFailureKind Kind)[]
        {
            (new SocketException((int)SocketError.ConnectionRefused), ConnectionFailureKind.Unreachable),
            (new SocketException((int)SocketError.HostNotFound), ConnectionFailureKind.UnknownHost),
            (new TimeoutException("Sup3rSecret timed out"), ConnectionFailureKind.Timeout),
            (new ConnectionConfigurationException("bad option in Password=Sup3rSecret"), ConnectionFailureKind.InvalidConfiguration),
            (new InvalidOperationException("wrapper Sup3rSecret", new SocketException((int)SocketError.ConnectionRefused)), ConnectionFailureKind.Unreachable),
        };
        foreach (var (error, kind) in cases)
        {
            var failure = ConnectionFailure.From(error, target);
            Assert.That(failure.Kind, Is.EqualTo(kind), error.GetType().Name);
            Assert.That(failure.Message, Does.Not.Contain("Sup3rSecret"));
            Assert.That(failure.Message, Does.Contain("shop"));
        }
    }
}
