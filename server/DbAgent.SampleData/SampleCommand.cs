using System.Data.Common;
using System.Globalization;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Sql;

namespace DbAgent.SampleData;

/// <summary>
/// <c>dbagent-sample generate</c>: applies a sample workspace's migrations to a database and fills it with the
/// generated shop, so plans and statistics have something real to show.
/// </summary>
public static class SampleCommand
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public const string Usage =
        """
        usage: dbagent-sample generate --engine sqlite|postgres|mysql --connection <connection> [options]

          --engine E          sqlite, postgres or mysql (MariaDB); may be left out when C is a URL
          --connection C      SQLite: a file path (created if missing), sqlite:PATH or a connection string;
                              PostgreSQL: postgres://user:password@host:port/db or an Npgsql connection string
                              (the current schema receives the tables);
                              MySQL/MariaDB: mysql://user:password@host:port/db or a MySqlConnector connection
                              string naming a database
          --rows N            orders to generate (default 200000); customers (N/4), products (N/10),
                              order lines (~3N) and events (N) scale with it
          --workspace DIR     the sample workspace whose migrations/ are applied (default: samples/workspace,
                              samples/workspace-postgres or samples/workspace-mysql, found from the current folder)
          --seed S            another deterministic data set (default 1815)
          --force             replace the sample's tables when the target is not empty
        """;

    /// <summary>Accepts <c>generate ...</c> (and tolerates a leading <c>sample</c>, as <c>dbagent sample</c> was called).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = args.AsSpan();
        if (rest.Length > 0 && rest[0] == "sample") rest = rest[1..];
        if (rest.Length == 0 || rest[0] is "-h" or "--help" or "help")
        {
            (rest.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return rest.Length == 0 ? UsageError : Success;
        }
        if (rest[0] != "generate")
        {
            stderr.WriteLine($"dbagent-sample: unknown subcommand '{rest[0]}'");
            stderr.WriteLine(Usage);
            return UsageError;
        }

        if (!TryParse(rest[1..].ToArray(), stderr, out var parsed)) return UsageError;

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var migrations = Path.Combine(parsed.Workspace, "migrations");
            stdout.WriteLine(
                $"dbagent-sample: {parsed.Size.Orders:N0} orders, {parsed.Size.Customers:N0} customers, " +
                $"{parsed.Size.Products:N0} products, {parsed.Size.Events:N0} events " +
                $"({parsed.Engine.ToName()}, migrations from {Path.GetRelativePath(Environment.CurrentDirectory, migrations)})");
            // A console tool's entry point: no synchronization context to deadlock on.
#pragma warning disable VSTHRD002
            var result = SampleDataGenerator.GenerateAsync(
                    new SampleGenerationOptions(parsed.Engine, parsed.Connection, migrations, parsed.Size, parsed.Seed,
                        parsed.Force),
                    line => stdout.WriteLine("  " + line),
                    cancellation.Token)
                .GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
            var seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
            stdout.WriteLine(
                $"dbagent-sample: {result.TotalRows:N0} rows in {seconds:F1}s ({result.TotalRows / seconds:N0} rows/s)");
            return Success;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("dbagent-sample: cancelled");
            return Failure;
        }
        catch (Exception e) when (e is SampleTargetNotEmptyException or DbException or IOException
                                      or ArgumentException or InvalidOperationException
                                      or UnauthorizedAccessException or TimeoutException)
        {
            // Driver messages name the server and the problem; redacted all the same, with the password as a known secret.
            stderr.WriteLine($"dbagent-sample: {SecretRedactor.Redact(e.Message, [PasswordOf(parsed.Connection)])}");
            return Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private sealed record Arguments(
        SqlDialect Engine, string Connection, SampleSize Size, string Workspace, int Seed, bool Force);

    private static bool TryParse(string[] args, TextWriter stderr, out Arguments parsed)
    {
        parsed = null!;
        string? engineName = null, connection = null, workspace = null;
        int orders = SampleSize.DefaultOrders, seed = SampleShop.DefaultSeed;
        var force = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value()
            {
                if (i + 1 < args.Length) return args[++i];
                stderr.WriteLine($"dbagent-sample: {arg} needs a value");
                return null;
            }
            switch (arg)
            {
                case "--engine":
                    if ((engineName = Value()) is null) return false;
                    break;
                case "--connection":
                    if ((connection = Value()) is null) return false;
                    break;
                case "--workspace":
                    if ((workspace = Value()) is null) return false;
                    break;
                case "--rows":
                    if (!TryInt(Value(), SampleSize.MinimumOrders, out orders))
                    {
                        stderr.WriteLine($"dbagent-sample: --rows wants a whole number of at least {SampleSize.MinimumOrders}");
                        return false;
                    }
                    break;
                case "--seed":
                    if (!TryInt(Value(), int.MinValue, out seed))
                    {
                        stderr.WriteLine("dbagent-sample: --seed wants a whole number");
                        return false;
                    }
                    break;
                case "--force":
                    force = true;
                    break;
                default:
                    stderr.WriteLine($"dbagent-sample: unknown option '{arg}'");
                    stderr.WriteLine(Usage);
                    return false;
            }
        }

        if (string.IsNullOrWhiteSpace(connection))
        {
            stderr.WriteLine("dbagent-sample: --connection is required");
            return false;
        }

        // A URL names its engine and becomes the driver's own connection string.
        SqlDialect? urlEngine = null;
        if (ConnectionTargetParser.LooksLikeUrl(connection))
        {
            try
            {
                var target = ConnectionTargetParser.FromUrl(connection, "sample");
                urlEngine = target.Engine switch
                {
                    DatabaseEngine.Postgres => SqlDialect.Postgres,
                    DatabaseEngine.MySql => SqlDialect.MySql,
                    DatabaseEngine.Sqlite => SqlDialect.Sqlite,
                    _ => null,
                };
                if (urlEngine is null)
                {
                    stderr.WriteLine("dbagent-sample: the sample generator fills sqlite, postgres and mysql databases only");
                    return false;
                }
                connection = DriverConnectionStrings.Build(target with { ReadOnly = false }, "dbagent-sample", 15);
            }
            catch (ConnectionConfigurationException e)
            {
                stderr.WriteLine($"dbagent-sample: {SecretRedactor.Redact(e.Message)}");
                return false;
            }
        }

        SqlDialect engine;
        if (engineName is null)
        {
            if (urlEngine is null)
            {
                stderr.WriteLine("dbagent-sample: --engine is required (sqlite, postgres or mysql)");
                return false;
            }
            engine = urlEngine.Value;
        }
        else if (!SqlDialectNames.TryParse(engineName, out engine) || engine == SqlDialect.TSql)
        {
            stderr.WriteLine($"dbagent-sample: --engine '{engineName}' is not one of sqlite, postgres, mysql");
            return false;
        }
        if (urlEngine is not null && urlEngine != engine)
        {
            stderr.WriteLine($"dbagent-sample: --engine {engine.ToName()} does not match the {urlEngine.Value.ToName()} URL");
            return false;
        }

        workspace ??= FindDefaultWorkspace(engine);
        if (workspace is null)
        {
            stderr.WriteLine($"dbagent-sample: no {DefaultWorkspaceName(engine)} found from here; pass --workspace DIR");
            return false;
        }
        if (!Directory.Exists(Path.Combine(workspace, "migrations")))
        {
            stderr.WriteLine($"dbagent-sample: {workspace} has no migrations folder");
            return false;
        }

        parsed = new Arguments(engine, connection, SampleSize.ForOrders(orders), Path.GetFullPath(workspace), seed, force);
        return true;
    }

    /// <summary>The password of a driver connection string, if it has one, so messages can be scrubbed of it.</summary>
    private static string? PasswordOf(string connection)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connection };
            foreach (var key in new[] { "password", "pwd" })
            {
                if (builder.TryGetValue(key, out var value) && value is string { Length: > 0 } password) return password;
            }
        }
        catch (ArgumentException)
        {
            // Not key=value (a plain SQLite path): nothing to scrub.
        }
        return null;
    }

    private static bool TryInt(string? text, int minimum, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= minimum;

    private static string DefaultWorkspaceName(SqlDialect engine) => engine switch
    {
        SqlDialect.Postgres => "samples/workspace-postgres",
        SqlDialect.MySql => "samples/workspace-mysql",
        _ => "samples/workspace",
    };

    /// <summary>The repository's sample workspace, looked for above the current folder, then above the binary.</summary>
    private static string? FindDefaultWorkspace(SqlDialect engine)
    {
        var relative = DefaultWorkspaceName(engine).Replace('/', Path.DirectorySeparatorChar);
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(Path.Combine(candidate, "migrations"))) return candidate;
            }
        }
        return null;
    }
}
