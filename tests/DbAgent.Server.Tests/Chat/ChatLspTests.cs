using System.Text;
using System.Text.Json;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Tests.Lsp;

namespace DbAgent.Server.Tests.Chat;

[TestFixture]
public sealed class ChatLspTests
{
    private const string Uri = "file:///work/app/cleanup.sql";

    private static object ChatParams(string? command, string prompt = "", string token = "chat-1", string? uri = Uri, object? selection = null) => new
    {
        prompt,
        command,
        history = new[] { new { role = "user", content = "earlier question" } },
        document = uri is null ? null : new { uri, languageId = "sql" },
        selection,
        partialResultToken = token,
    };

    private static Task<List<JsonElement>> Parts(LspTestClient client, string token) => ChatParts.SettledAsync(client, token);

    [Test]
    public async Task A_review_streams_parts_with_the_finding_and_its_range_then_returns_followups()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\nDELETE FROM orders;\n");

        var result = await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("review"));

        var parts = await Parts(client, "chat-1");
        Assert.That(parts, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(parts.Select(p => p.GetProperty("kind").GetString()), Has.All.AnyOf("markdown", "reference", "progress"));
        var markdown = string.Concat(parts.Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
        Assert.That(markdown, Does.Contain("`delete-without-where`"));
        var reference = parts.First(p => p.GetProperty("kind").GetString() == "reference");
        Assert.That(reference.GetProperty("uri").GetString(), Is.EqualTo(Uri));
        var range = reference.GetProperty("range");
        Assert.That(range.GetProperty("start").GetProperty("line").GetInt32(), Is.EqualTo(1));
        Assert.That(range.GetProperty("start").GetProperty("character").GetInt32(), Is.EqualTo(0));
        Assert.That(range.GetProperty("end").GetProperty("character").GetInt32(), Is.EqualTo(18));

        var followups = result.GetProperty("followups");
        Assert.That(followups.GetArrayLength(), Is.GreaterThan(0));
        foreach (var f in followups.EnumerateArray())
        {
            Assert.That(f.GetProperty("label").GetString(), Is.Not.Empty);
            Assert.That(f.GetProperty("prompt").GetString(), Is.Not.Empty);
            Assert.That(f.TryGetProperty("command", out _), Is.True, "command is always present (string or null)");
        }
        Assert.That(result.GetProperty("metadata").GetProperty("command").GetString(), Is.EqualTo("review"));
    }

    [Test]
    public async Task A_free_form_question_without_a_model_says_how_to_configure_one()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "DELETE FROM orders;");

        var result = await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams(null, "how do I restore last night's backup?", token: "chat-2"));

        var markdown = string.Concat((await Parts(client, "chat-2")).Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
        Assert.That(markdown, Does.Contain("No language model is configured"));
        Assert.That(markdown, Does.Contain("dbagent.model.endpoint").And.Contain("dbagent.model.name"));
        Assert.That(markdown, Does.Contain("pg_dump"), "the closest command (/backup) answers meanwhile");
        Assert.That(result.GetProperty("metadata").GetProperty("command").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(result.GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Explain_answers_for_the_statement_under_the_selection()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\nDELETE FROM orders;\n");
        var caret = new { start = new { line = 1, character = 3 }, end = new { line = 1, character = 3 } };

        await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("explain", token: "chat-3", selection: caret));

        var parts = await Parts(client, "chat-3");
        var markdown = string.Concat(parts.Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
        Assert.That(markdown, Does.Contain("A DELETE").And.Contain("changes every row"));
        Assert.That(markdown, Does.Not.Contain("Statement at line 1 "));
        Assert.That(markdown, Does.Match("needs a (live )?connection"), "the plan needs a connection (configured or not, depending on the environment)");
    }

    [Test]
    public async Task A_chat_about_a_document_the_server_does_not_have_still_answers()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        var result = await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("scaling", token: "chat-4", uri: "file:///not/open.sql"));
        var markdown = string.Concat((await Parts(client, "chat-4")).Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
        Assert.That(markdown, Does.Contain("No engine detected").And.Contain("PgBouncer"));
        Assert.That(result.GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public async Task A_cancelled_chat_answers_request_cancelled_and_sends_no_part_after_that()
    {
        // A model that never stops talking keeps the answer streaming until the cancel arrives.
        await using var model = new DbAgent.Agent.Tests.FakeOpenAiServer(["still thinking...\n"], TimeSpan.FromMilliseconds(10), endless: true);
        await using var connection = new RawLspConnection
        {
            ConfigurationSection = $$"""{ "model": { "endpoint": "{{model.BaseUri}}", "name": "llama3.1" } }""",
        };
        await connection.InitializeAsync();
        await connection.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "sql", version = 1, text = "SELECT 1;" } });

        await connection.RequestAsync(7, CustomMethods.Chat, ChatParams(null, "tell me everything", token: "long"));
        await connection.WaitAsync(m => RawLspConnection.IsProgress(m, "long") && m.GetProperty("params").GetProperty("value").GetProperty("kind").GetString() == "markdown");
        await connection.NotifyAsync("$/cancelRequest", new { id = 7 });

        var response = await connection.ResponseAsync(7);
        Assert.That(response.TryGetProperty("result", out _), Is.False, "a cancelled chat has no result");
        Assert.That(response.GetProperty("error").GetProperty("code").GetInt32(), Is.EqualTo(-32800));

        // The model's stream is dropped, and nothing follows the acknowledgement.
        await model.ClientWentAway.Task.WaitAsync(RawLspConnection.Timeout);
        await Task.Delay(200);
        var received = connection.Received.ToList();
        var acknowledged = received.FindIndex(m => m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 7 && !m.TryGetProperty("method", out _));
        var partsBefore = received.Take(acknowledged).Count(m => RawLspConnection.IsProgress(m, "long"));
        var partsAfter = received.Skip(acknowledged + 1).Count(m => RawLspConnection.IsProgress(m, "long"));
        TestContext.Out.WriteLine($"parts before the acknowledgement: {partsBefore}, after: {partsAfter}");
        Assert.That(partsBefore, Is.GreaterThanOrEqualTo(2));
        Assert.That(partsAfter, Is.Zero);
    }

    [Test]
    public async Task A_configured_model_answers_free_form_questions_through_the_server()
    {
        await using var model = new DbAgent.Agent.Tests.FakeOpenAiServer(["Use ", "`CREATE INDEX CONCURRENTLY`", ".\n"]);
        await using var client = LspTestClient.InProcess();
        client.Settings = JsonDocument.Parse($$"""{ "model": { "endpoint": "{{model.BaseUri}}", "name": "qwen2.5" } }""").RootElement;
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT * FROM orders WHERE customer_id = 3;");

        var result = await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams(null, "how do I add an index without downtime?", token: "model"));

        var parts = await Parts(client, "model");
        var markdown = string.Concat(parts.Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
        Assert.That(markdown, Is.EqualTo("Use `CREATE INDEX CONCURRENTLY`.\n"));
        Assert.That(parts.Any(p => p.GetProperty("kind").GetString() == "progress"), Is.True);
        Assert.That(model.Requests.Single(), Does.Contain("\"model\":\"qwen2.5\"").And.Contain("customer_id = 3"));
        Assert.That(result.GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Schema_answers_from_the_ddl_of_the_open_migrations()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync("file:///work/app/migrations/001_init.sql",
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n" +
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), created_at timestamptz NOT NULL);\n");
        await client.OpenAsync("file:///work/app/migrations/002_events.sql", "CREATE TABLE events (kind text, at timestamptz);\n");
        await client.OpenAsync(Uri, "SELECT * FROM orders WHERE customer_id = 1;");

        var result = await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("schema", token: "schema"));

        var markdown = string.Concat((await Parts(client, "schema")).Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
        Assert.That(markdown, Does.Contain("from the DDL of 2 open files").And.Contain("3 tables"));
        Assert.That(markdown, Does.Contain("### `orders`").And.Contain("`customer_id` bigint"));
        Assert.That(markdown, Does.Contain("foreign-key-without-index").And.Contain("missing-primary-key"));
        Assert.That(markdown.IndexOf("### `orders`", StringComparison.Ordinal), Is.LessThan(markdown.IndexOf("### `customers`", StringComparison.Ordinal)), "the tables the active file uses come first");
        Assert.That(result.GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Schema_answers_from_the_workspace_migrations_on_disk()
    {
        var root = Directory.CreateTempSubdirectory("dbagent-chat-");
        try
        {
            var migrations = Directory.CreateDirectory(Path.Combine(root.FullName, "migrations"));
            File.WriteAllText(Path.Combine(migrations.FullName, "001_init.sql"), "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n");
            File.WriteAllText(Path.Combine(migrations.FullName, "002_orders.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));\n");
            var rootUri = new System.Uri(root.FullName + "/").AbsoluteUri;

            await using var client = LspTestClient.InProcess();
            await client.RequestAsync<JsonElement>(DbAgent.Server.Host.Methods.Initialize, new
            {
                processId = Environment.ProcessId,
                rootUri,
                workspaceFolders = new[] { new { uri = rootUri, name = "app" } },
                capabilities = new { workspace = new { configuration = true } },
            });
            await client.NotifyAsync(DbAgent.Server.Host.Methods.Initialized, new { });
            var query = rootUri + "queries/report.sql";
            await client.OpenAsync(query, "SELECT * FROM orders WHERE customer_id = 1;");

            await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("schema", token: "ws", uri: query));

            var markdown = string.Concat((await Parts(client, "ws")).Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
            Assert.That(markdown, Does.Contain("2 migration files in migrations").And.Contain("2 tables"));
            Assert.That(markdown, Does.Contain("foreign-key-without-index"));
            Assert.That((await Parts(client, "ws")).Where(p => p.GetProperty("kind").GetString() == "reference").Select(p => p.GetProperty("uri").GetString()),
                Has.Some.EndsWith("002_orders.sql"), "tables point at the migration that created them");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Stats_names_the_configured_connection_of_the_document_and_why_it_is_not_usable()
    {
        await using var client = LspTestClient.InProcess();
        // Port 1 on the loopback: nothing listens there, so the connection fails fast and says so.
        client.Settings = JsonDocument.Parse("""{ "connections": [ { "name": "shop", "engine": "postgres", "host": "127.0.0.1", "port": 1, "database": "shop", "user": "app" } ] }""").RootElement;
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT * FROM orders WHERE id = 1;");
        await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop", 0, LspTestClient.Timeout);

        await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("stats", token: "stats"));

        var markdown = string.Concat((await Parts(client, "stats")).Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
        Assert.That(markdown, Does.Contain("connection **shop** is not usable right now: "));
        Assert.That(markdown, Does.Not.Contain("none is configured"));
    }

    [Test]
    public async Task Odd_params_still_get_an_answer()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "\u0000\u0001garbage ' unterminated");

        var odd = await client.RequestAsync<JsonElement>(CustomMethods.Chat, new
        {
            prompt = (string?)null,
            command = "  ",
            history = (object?)null,
            document = new { uri = Uri, languageId = "sql" },
            selection = new { start = new { line = 500, character = -3 }, end = new { line = -1, character = 9999 } },
            partialResultToken = "odd",
        });
        Assert.That(odd.GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(await Parts(client, "odd"), Is.Not.Empty);

        // No partialResultToken: nothing can be streamed, but the request still completes with followups.
        var bare = await client.RequestAsync<JsonElement>(CustomMethods.Chat, new { prompt = "review", command = "review" });
        Assert.That(bare.GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(bare.GetProperty("metadata").GetProperty("command").GetString(), Is.EqualTo("review"));
    }

    [Test]
    public async Task The_server_keeps_answering_after_a_cancelled_chat()
    {
        await using var connection = new RawLspConnection();
        await connection.InitializeAsync();
        await connection.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "sql", version = 1, text = "DELETE FROM orders;" } });
        await connection.NotifyAsync("$/cancelRequest", new { id = 8 });
        await connection.RequestAsync(9, CustomMethods.Chat, ChatParams("review", token: "after"));
        var response = await connection.ResponseAsync(9);
        Assert.That(response.GetProperty("result").GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
    }
}
