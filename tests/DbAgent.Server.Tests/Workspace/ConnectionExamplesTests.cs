using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Settings;

namespace DbAgent.Server.Tests.Workspace;

/// <summary>
/// Every connection example the README and the sample workspaces show, as written, through the one parser the
/// settings, the CLI and Add Connection use, and on to the driver's own connection string builder. The README's
/// SQLite example once failed ("Format of the initialization string does not conform"): this keeps it honest.
/// </summary>
[TestFixture]
public sealed class ConnectionExamplesTests
{
    private static readonly string Repository = FindRepository();
    private static readonly JsonDocumentOptions Jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DbAgent.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (DbAgent.sln) is not above the test binaries.");
    }

    /// <summary>The README's settings snippet: the fenced block that holds `"dbagent.connections"`.</summary>
    private static JsonArray ReadmeConnections()
    {
        var readme = File.ReadAllText(Path.Combine(Repository, "README.md"));
        var block = Regex.Matches(readme, "```jsonc?\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)
            .Single(b => b.Contains("\"dbagent.connections\"", StringComparison.Ordinal));
        return JsonNode.Parse("{" + block + "}", documentOptions: Jsonc)!["dbagent.connections"]!.AsArray();
    }

    private static ConnectionTargetList Parse(JsonArray connections, string workspaceFolder)
    {
        var section = JsonDocument.Parse(new JsonObject { ["connections"] = connections.DeepClone() }.ToJsonString()).RootElement;
        return ConnectionResolver.FromSettings(DbAgentSettings.FromJson(section).Connections, [workspaceFolder], environment: null);
    }

    [Test]
    public void Every_readme_settings_example_is_accepted_as_written()
    {
        var entries = ReadmeConnections();
        Assert.That(entries.Select(e => e!["engine"]!.GetValue<string>()), Is.EquivalentTo(new[] { "postgres", "mysql", "sqlserver", "sqlite" }));
        var list = Parse(entries, Repository);
        Assert.That(list.Problems, Is.Empty);
        Assert.That(list.Targets, Has.Count.EqualTo(entries.Count));
        foreach (var target in list.Targets)
            Assert.DoesNotThrow(() => DriverConnectionStrings.Build(target), target.ToString());

        // A relative SQLite path is a file of the workspace folder.
        var sqlite = list.Targets.Single(t => t.Engine == DatabaseEngine.Sqlite);
        Assert.That(sqlite.Database, Is.EqualTo(Path.Combine(Repository, "samples", "workspace", "shop.db")));
    }

    [Test]
    public void The_cli_reads_the_readme_connection_strings_as_the_settings_do()
    {
        foreach (var entry in ReadmeConnections())
        {
            if (entry!["connectionString"]?.GetValue<string>() is not { } text) continue;
            _ = ConnectionTargetParser.TryParseEngine(entry["engine"]!.GetValue<string>(), out var engine);
            var fromCli = ConnectionResolver.Resolve(text, engine: engine, environment: new Dictionary<string, string>());
            Assert.That(fromCli.Engine, Is.EqualTo(engine), text);
        }
    }

    [Test]
    public void Every_readme_connection_url_example_is_accepted()
    {
        var readme = File.ReadAllText(Path.Combine(Repository, "README.md"));
        var urls = Regex.Matches(readme, "`([a-z]+://[^`\\s]*@[^`\\s]+)`").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(urls, Is.Not.Empty);
        foreach (var url in urls)
        {
            var parsed = ParseConnectionHandler.Parse(url, null);
            Assert.That(parsed.Ok, Is.True, $"{url}: {parsed.Message}");
        }
    }

    [TestCase("workspace", DatabaseEngine.Sqlite)]
    [TestCase("workspace-postgres", DatabaseEngine.Postgres)]
    [TestCase("workspace-mysql", DatabaseEngine.MySql)]
    public void Each_sample_workspace_ships_a_connection_without_a_password(string folder, DatabaseEngine engine)
    {
        var workspace = Path.Combine(Repository, "samples", folder);
        var text = File.ReadAllText(Path.Combine(workspace, ".vscode", "settings.json"));
        Assert.That(text, Does.Not.Contain("assword").And.Not.Contain("pwd"));
        var connections = JsonNode.Parse(text, documentOptions: Jsonc)!["dbagent.connections"]!.AsArray();
        var list = Parse(connections, workspace);
        Assert.That(list.Problems, Is.Empty);
        var target = list.Targets.Single();
        Assert.That(target.Engine, Is.EqualTo(engine));
        Assert.That(target.Password, Is.Null);
        Assert.DoesNotThrow(() => DriverConnectionStrings.Build(target));
        if (engine == DatabaseEngine.Sqlite)
            Assert.That(target.Database, Is.EqualTo(Path.Combine(workspace, "shop.db")), "the demo's database, next to the queries");
    }
}
