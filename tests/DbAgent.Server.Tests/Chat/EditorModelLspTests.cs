using System.Diagnostics;
using System.Text.Json;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Tests.Lsp;
using StreamJsonRpc;

namespace DbAgent.Server.Tests.Chat;

/// <summary>
/// The chat on the editor's model (VS Code's request.model) over the real reverse-request protocol: the server sends
/// dbagent/modelRequest, this client plays a scripted model that streams dbagent/modelText and returns tool calls,
/// and the server runs the tools and loops until the model answers.
/// </summary>
[TestFixture]
public sealed class EditorModelLspTests
{
    private const string Uri = "file:///work/app/queries/cleanup.sql";
    private const string Schema = "file:///work/app/migrations/V1__orders.sql";

    /// <summary>A model turn: what the script answers, given the request's params.</summary>
    private delegate Task<object> Turn(LspTestClient client, JsonElement request, int index, CancellationToken cancellationToken);

    private sealed class ScriptedModel(Turn turn)
    {
        private readonly List<JsonElement> _requests = [];
        public IReadOnlyList<JsonElement> Requests { get { lock (_requests) return _requests.ToList(); } }

        public Func<JsonElement, CancellationToken, Task<object>> Bind(LspTestClient client) => (request, ct) =>
        {
            int index;
            lock (_requests) { _requests.Add(request); index = _requests.Count - 1; }
            return turn(client, request, index, ct);
        };
    }

    private static object ChatParams(string prompt, string token, string? secretInHistory = null) => new
    {
        prompt,
        command = (string?)null,
        history = new[] { new { role = "user", content = secretInHistory is null ? "earlier question" : $"my password is {secretInHistory}" } },
        document = new { uri = Uri, languageId = "sql" },
        selection = (object?)null,
        partialResultToken = token,
        model = new { id = "scripted", name = "Scripted Model", vendor = "tests", family = "scripted" },
        references = new[] { new { name = "orders.sql", uri = Schema, text = "CREATE TABLE orders (id bigint primary key, customer_id bigint);" } },
    };

    private static Task Text(LspTestClient client, JsonElement request, string text) =>
        client.Rpc.NotifyWithParameterObjectAsync(CustomMethods.ModelText, new { requestToken = request.GetProperty("requestToken").GetString(), text });

    private static async Task<LspTestClient> StartAsync(ScriptedModel model)
    {
        var client = LspTestClient.InProcess();
        client.ModelTurns = model.Bind(client);
        await client.InitializeAsync();
        await client.OpenAsync(Schema, "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);\n");
        await client.OpenAsync(Uri, "SELECT 1;\nDELETE FROM orders;\nSELECT id FROM orders WHERE customer_id = 3;\n");
        return client;
    }

    [Test]
    public async Task The_model_calls_a_tool_gets_its_result_and_its_answer_streams_with_references()
    {
        var model = new ScriptedModel(async (client, request, index, ct) =>
        {
            if (index == 0)
                return new { text = "", toolCalls = new[] { new { callId = "c1", name = "dbagent_review", input = new { } } } };
            await Text(client, request, "The DELETE at cleanup.sql:2 ");
            await Text(client, request, "removes every row.\n");
            return new { text = "The DELETE at cleanup.sql:2 removes every row.\n", toolCalls = Array.Empty<object>() };
        });
        await using var client = await StartAsync(model);

        await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("why is this dangerous?", "m-1"));
        var parts = await ChatParts.SettledAsync(client, "m-1");

        Assert.That(model.Requests, Has.Count.EqualTo(2));
        var first = model.Requests[0];
        Assert.That(first.GetProperty("chatToken").GetString(), Is.EqualTo("m-1"));
        Assert.That(first.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()),
            Is.EquivalentTo(new[] { "dbagent_review", "dbagent_explain_plan", "dbagent_propose_indexes", "dbagent_table_stats", "dbagent_schema", "dbagent_migration_safety" }));
        foreach (var tool in first.GetProperty("tools").EnumerateArray())
        {
            Assert.That(tool.GetProperty("description").GetString(), Does.Contain("never writes to a database"));
            Assert.That(tool.GetProperty("inputSchema").GetProperty("type").GetString(), Is.EqualTo("object"));
        }
        var firstText = first.GetProperty("messages").GetRawText();
        Assert.That(firstText, Does.Contain("why is this dangerous?").And.Contain("earlier question"));
        Assert.That(firstText, Does.Contain("delete-without-where"), "the document's findings");
        Assert.That(firstText, Does.Contain("customer_id"), "the schema of the tables involved, and the attachment");

        var second = model.Requests[1].GetProperty("messages");
        var last = second[second.GetArrayLength() - 1];
        var result = last.GetProperty("content")[0];
        Assert.That(result.GetProperty("kind").GetString(), Is.EqualTo("toolResult"));
        Assert.That(result.GetProperty("callId").GetString(), Is.EqualTo("c1"));
        Assert.That(result.GetProperty("text").GetString(), Does.Contain("delete-without-where"));
        var call = second[second.GetArrayLength() - 2].GetProperty("content").EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "toolCall");
        Assert.That(call.GetProperty("name").GetString(), Is.EqualTo("dbagent_review"));

        Assert.That(ChatParts.Markdown(parts), Does.Contain("The DELETE at ").And.Contain("removes every row."));
        Assert.That(ChatParts.Markdown(parts), Does.Not.Contain("cleanup.sql:2"), "the mention became a reference");
        var reference = parts.Single(p => p.GetProperty("kind").GetString() == "reference");
        Assert.That(reference.GetProperty("uri").GetString(), Is.EqualTo(Uri));
        Assert.That(reference.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32(), Is.EqualTo(1));
        Assert.That(parts.Any(p => p.GetProperty("kind").GetString() == "progress" && p.GetProperty("message").GetString()!.Contains("Reviewing")), "progress while the tool runs");
    }

    [Test]
    public async Task An_unknown_tool_and_bad_arguments_come_back_to_the_model_as_errors()
    {
        var model = new ScriptedModel((client, request, index, ct) => Task.FromResult<object>(index == 0
            ? new
            {
                text = "Let me check. ",
                toolCalls = new object[]
                {
                    new { callId = "u", name = "drop_table", input = new { } },
                    new { callId = "b", name = "dbagent_table_stats", input = new { column = "id" } },
                    new { callId = "s", name = "dbagent_schema", input = new { tables = 3 } },
                },
            }
            : new { text = "Sorry, I could not.", toolCalls = Array.Empty<object>() }));
        await using var client = await StartAsync(model);

        await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("stats?", "m-2"));
        var parts = await ChatParts.SettledAsync(client, "m-2");

        var results = model.Requests[1].GetProperty("messages").EnumerateArray().Last().GetProperty("content").EnumerateArray().ToList();
        Assert.That(results.Select(r => r.GetProperty("callId").GetString()), Is.EqualTo(new[] { "u", "b", "s" }));
        Assert.That(results.All(r => r.GetProperty("isError").GetBoolean()));
        Assert.That(results[0].GetProperty("text").GetString(), Does.Contain("There is no tool `drop_table`"));
        Assert.That(results[1].GetProperty("text").GetString(), Does.Contain("`table` is required"));
        Assert.That(results[2].GetProperty("text").GetString(), Does.Contain("`tables` must be an array of strings"));
        Assert.That(ChatParts.Markdown(parts), Does.Contain("Let me check. ").And.Contain("Sorry, I could not."));
    }

    [Test]
    public async Task A_model_that_fails_is_named_and_the_tools_answer()
    {
        var model = new ScriptedModel((client, request, index, ct) => throw new LocalRpcException("The model is not available: quota exceeded") { ErrorCode = -32803 });
        await using var client = await StartAsync(model);

        await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("how do I make this faster?", "m-3"));
        var markdown = ChatParts.Markdown(await ChatParts.SettledAsync(client, "m-3"));

        Assert.That(markdown, Does.Contain("The model could not answer: The model is not available: quota exceeded"));
        Assert.That(markdown, Does.Contain("from the analysis tools"));
    }

    [Test]
    public async Task Cancelling_the_chat_cancels_the_model_turn_within_a_second()
    {
        var cancel = new CancellationTokenSource();
        var cancelledAt = new Stopwatch();
        TimeSpan? modelStopped = null;
        var model = new ScriptedModel(async (client, request, index, ct) =>
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    await Text(client, request, $"piece {i}\n");
                    await Task.Delay(20, ct);
                }
            }
            catch (OperationCanceledException)
            {
                modelStopped = cancelledAt.Elapsed;
                throw;
            }
        });
        await using var client = await StartAsync(model);
        var chat = client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams("talk", "m-4"), cancel.Token);
        await client.Progress.WaitAsync(p => p.GetProperty("token").GetString() == "m-4" && p.GetProperty("value").GetProperty("kind").GetString() == "markdown", 0, LspTestClient.Timeout);
        cancelledAt.Start();
        cancel.Cancel();

        Assert.That(async () => await chat, Throws.InstanceOf<OperationCanceledException>());
        var deadline = Stopwatch.StartNew();
        while (modelStopped is null && deadline.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
        Assert.That(modelStopped, Is.Not.Null, "the model turn was never cancelled");
        Assert.That(modelStopped!.Value, Is.LessThan(TimeSpan.FromSeconds(1)));
        // And the server still answers.
        var after = await client.RequestAsync<JsonElement>(CustomMethods.Chat, new { prompt = "", command = "review", document = new { uri = Uri }, partialResultToken = "m-5" });
        Assert.That(after.GetProperty("metadata").GetProperty("command").GetString(), Is.EqualTo("review"));
    }

    [Test]
    public async Task No_password_reaches_the_model_or_the_chat()
    {
        const string password = "Kn0wn-Secret-Pw-71";
        var model = new ScriptedModel((client, request, index, ct) => Task.FromResult<object>(index == 0
            ? new { text = "", toolCalls = new object[] { new { callId = "t", name = "dbagent_table_stats", input = new { table = "orders" } } } }
            : new { text = $"Your connection failed. (echo: {password})", toolCalls = Array.Empty<object>() }));
        var client = LspTestClient.InProcess();
        await using var _ = client;
        client.ModelTurns = model.Bind(client);
        client.Settings = JsonDocument.Parse("""{ "connections": [ { "name": "shop", "engine": "postgres", "host": "127.0.0.1", "port": 9, "database": "shop", "user": "app" } ] }""").RootElement;
        client.Passwords["shop"] = password;
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT * FROM orders;\n");

        await client.RequestAsync<JsonElement>(CustomMethods.Chat, ChatParams($"the password {password} fails, why?", "m-6", secretInHistory: password));
        var parts = await ChatParts.SettledAsync(client, "m-6");

        Assert.That(client.PasswordRequests.Snapshot(), Does.Contain("shop"), "the server did ask for the password");
        Assert.That(model.Requests, Has.Count.EqualTo(2));
        foreach (var request in model.Requests) Assert.That(request.GetRawText(), Does.Not.Contain(password));
        Assert.That(string.Join("\n", parts.Select(p => p.GetRawText())), Does.Not.Contain(password));
        Assert.That(ChatParts.Markdown(parts), Does.Contain("Your connection failed. (echo: ***)"));
    }
}
