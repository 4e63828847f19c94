using System.Text.Json;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Models;
using DbAgent.Agent.Tools;
using DbAgent.Databases;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Tests.Tools;

/// <summary>The one set of tools, as every caller (tool loop, agent mode, Semantic Kernel) invokes them.</summary>
public class DbAgentToolboxTests
{
    private const string Sql = "SELECT 1;\nDELETE FROM orders;\nSELECT id FROM orders WHERE customer_id = 3 AND created_at > now() ORDER BY created_at;\n";

    private static SchemaModel Shop()
    {
        var schema = new SchemaModel(SqlDialect.Postgres) { DefaultSchema = "public" };
        var orders = new TableModel { Name = new QualifiedName(null, "orders") };
        orders.Columns.Add(new ColumnModel { Name = "id", DataType = "bigint", Nullable = false });
        orders.Columns.Add(new ColumnModel { Name = "customer_id", DataType = "bigint", Nullable = true });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.ForeignKey, Columns = ["customer_id"], ReferencedTable = new QualifiedName(null, "customers"), ReferencedColumns = ["id"] });
        schema.Tables.Add(orders);
        return schema;
    }

    private static Task<ToolOutcome> Invoke(string tool, string input, ChatContext? context = null, IToolDocuments? files = null) =>
        DbAgentToolbox.Default.InvokeAsync(tool, JsonDocument.Parse(input).RootElement, new ToolContext(context ?? ChatHarness.Context(Sql), files), CancellationToken.None);

    private sealed class Files(Dictionary<string, string> files) : IToolDocuments
    {
        public Task<ChatDocument?> OpenAsync(string fileOrUri, CancellationToken cancellationToken) =>
            Task.FromResult(files.TryGetValue(fileOrUri, out var sql) ? ChatHarness.Document(sql, uri: "file:///w/" + fileOrUri) : null);
    }

    [Test]
    public async Task Review_reads_the_active_file_a_named_file_or_sql_text()
    {
        Assert.That((await Invoke("dbagent_review", "{}")).Text, Does.Contain("`delete-without-where` at line 2").And.Contain("[queries.sql:2](file:///work/app/queries.sql#L2)"));
        var named = await Invoke("dbagent_review", """{"file":"queries/other.sql"}""", files: new Files(new() { ["queries/other.sql"] = "UPDATE orders SET total = 0;" }));
        Assert.That(named.Text, Does.Contain("Review of `other.sql`").And.Contain("update-without-where"));
        var text = await Invoke("dbagent_review", """{"sql":"DELETE FROM customers;"}""");
        Assert.That(text.Text, Does.Contain("delete-without-where"));
        var missing = await Invoke("dbagent_review", """{"file":"nope.sql"}""", files: new Files([]));
        Assert.That(missing.IsError, Is.True);
        Assert.That(missing.Text, Does.Contain("no SQL file `nope.sql`"));
    }

    [Test]
    public async Task Explain_and_indexes_answer_for_the_given_line()
    {
        var explain = await Invoke("dbagent_explain_plan", """{"line":2}""");
        Assert.That(explain.Text, Does.Contain("Statement at line 2").And.Contain("A DELETE"));
        Assert.That(explain.Text, Does.Not.Contain("Statement at line 3"));
        var indexes = await Invoke("dbagent_propose_indexes", """{"line":"3"}""");
        Assert.That(indexes.Text, Does.Contain("orders(customer_id, created_at)").And.Contain("CREATE INDEX CONCURRENTLY"));
        var outOfRange = await Invoke("dbagent_explain_plan", """{"line":99}""");
        Assert.That(outOfRange.IsError, Is.True);
        Assert.That(outOfRange.Text, Does.Contain("`line` must be between 1 and"));
    }

    [Test]
    public async Task Schema_describes_named_tables_or_says_which_are_unknown()
    {
        var context = ChatHarness.Context(Sql) with { Schema = Shop(), SchemaSource = "2 migration files" };
        var text = (await Invoke("dbagent_schema", """{"tables":["orders","nope"]}""", context)).Text;
        Assert.That(text, Does.Contain("`customer_id` bigint, → `customers(id)`").And.Contain("There is no table `nope`").And.Contain("from 2 migration files"));
        Assert.That((await Invoke("dbagent_schema", "{}", context)).Text, Does.Contain("foreign-key-without-index"));
        Assert.That((await Invoke("dbagent_schema", """{"tables":["orders"]}""", new ChatContext())).Text, Does.Contain("not known"));
    }

    [Test]
    public async Task Table_stats_needs_a_connection_and_reads_it_when_there_is_one()
    {
        Assert.That((await Invoke("dbagent_table_stats", """{"table":"orders"}""")).Text, Does.Contain("needs a connection"));
        var session = new RecordedSession(new ServerInfo(DatabaseEngine.Postgres, "15.8", "shop"));
        session.Stats["orders"] = new TableStats(new QualifiedName("public", "orders")) { EstimatedRows = 1234 };
        var text = (await Invoke("dbagent_table_stats", """{"table":"public.orders"}""", ChatHarness.Context(Sql) with { Session = session })).Text;
        Assert.That(text, Does.Contain("Estimated rows: 1,234"));
    }

    [Test]
    public async Task Migration_safety_reads_sql_text()
    {
        var text = (await Invoke("dbagent_migration_safety", """{"sql":"ALTER TABLE orders ADD COLUMN note text NOT NULL;"}""")).Text;
        Assert.That(text, Does.Contain("Migration safety"));
        Assert.That((await Invoke("dbagent_migration_safety", "{}")).Text, Does.Contain("no DDL"));
    }

    [Test]
    public async Task Bad_calls_come_back_as_errors_the_model_can_act_on()
    {
        Assert.That((await Invoke("dbagent_drop", "{}")).Text, Does.Contain("There is no tool `dbagent_drop`"));
        Assert.That((await Invoke("dbagent_table_stats", "{}")).Text, Does.Contain("`table` is required"));
        Assert.That((await Invoke("dbagent_table_stats", """{"table":"orders","rows":3}""")).Text, Does.Contain("Unknown input `rows`"));
        Assert.That((await Invoke("dbagent_explain_plan", """{"line":"three"}""")).Text, Does.Contain("`line` must be an integer"));
        Assert.That((await Invoke("dbagent_review", "[1]")).Text, Does.Contain("must be a JSON object"));
        // A model that sends its arguments as a JSON string is understood.
        Assert.That((await Invoke("dbagent_explain_plan", "\"{\\\"line\\\":2}\"")).Text, Does.Contain("Statement at line 2"));
    }

    [Test]
    public async Task Every_tool_says_it_never_writes_and_has_an_object_schema()
    {
        foreach (var tool in DbAgentToolbox.Default.Tools)
        {
            Assert.That(tool.Name, Does.Match("^dbagent_[a-z_]+$"));
            Assert.That(tool.Description, Does.Contain("never writes to a database"));
            Assert.That(tool.InputSchema()["type"]!.GetValue<string>(), Is.EqualTo("object"));
        }
        await Task.CompletedTask;
    }

    [Test]
    public async Task A_known_secret_is_masked_in_a_tool_result()
    {
        var context = ChatHarness.Context("SELECT 'hunter2-secret' AS x;") with { Secrets = ["hunter2-secret"] };
        var text = (await Invoke("dbagent_explain_plan", "{}", context)).Text;
        Assert.That(text, Does.Not.Contain("hunter2-secret"));
    }
}

/// <summary>The tool loop against a scripted model, without the protocol (the LSP tests cover the wire).</summary>
public class ToolCallingChatTests
{
    private sealed class Scripted(Func<ModelTurnRequest, int, ModelTurn> script) : IToolCallingModel
    {
        public List<ModelTurnRequest> Requests { get; } = [];
        public string DisplayName => "Scripted";

        public async Task<ModelTurn> SendAsync(ModelTurnRequest request, Func<string, CancellationToken, ValueTask> onText, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var turn = script(request, Requests.Count - 1);
            foreach (var piece in turn.Text.Chunk(7)) await onText(new string(piece), cancellationToken);
            return turn;
        }
    }

    private static ModelToolCallPart Call(string name, string input) => new("c", name, JsonDocument.Parse(input).RootElement);

    [Test]
    public async Task A_model_that_never_stops_calling_tools_is_stopped()
    {
        var model = new Scripted((_, _) => new ModelTurn("", [Call("dbagent_review", "{}")]));
        var context = ChatHarness.Context("DELETE FROM orders;") with { EditorModel = model };
        var (_, sink) = await ChatHarness.RunAsync(context, null, "loop");
        Assert.That(model.Requests, Has.Count.EqualTo(ToolCallingChat.MaxRounds));
        Assert.That(sink.ToMarkdown(), Does.Contain("I stopped it there"));
    }

    [Test]
    public async Task The_editor_model_answers_when_no_endpoint_is_configured_and_code_blocks_stay_as_they_are()
    {
        var model = new Scripted((_, i) => new ModelTurn("See queries.sql:1.\n```sql\n-- queries.sql:1\nSELECT 1;\n```\n", []));
        var context = ChatHarness.Context("DELETE FROM orders;") with { EditorModel = model };
        var (_, sink) = await ChatHarness.RunAsync(context, null, "what is wrong?");
        Assert.That(sink.Parts.OfType<ReferencePart>().Count(), Is.EqualTo(1), "the mention in prose is a link; the one in the code block is not");
        Assert.That(sink.ToMarkdown(), Does.Contain("See [queries.sql:1](file:///work/app/queries.sql#L1).").And.Contain("-- queries.sql:1\nSELECT 1;"));
        Assert.That(sink.ToMarkdown(), Does.Not.Contain("No language model is configured"));
    }

    [Test]
    public async Task Cancelling_while_a_tool_waits_on_the_database_stops_it_within_a_second()
    {
        var toolStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = new RecordedSession(new DbAgent.Databases.ServerInfo(DbAgent.Databases.DatabaseEngine.Postgres, "15", "shop"))
        {
            BeforeAnswer = async ct => { toolStarted.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); },
        };
        var model = new Scripted((_, _) => new ModelTurn("", [Call("dbagent_table_stats", """{"table":"orders"}""")]));
        var context = ChatHarness.Context("SELECT * FROM orders;") with { EditorModel = model, Session = session };
        using var cts = new CancellationTokenSource();
        var run = new ChatOrchestrator().RunAsync(new ChatRequest("how big is orders?"), context, new BufferedChatSink(), cts.Token);
        await toolStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        cts.Cancel();
        Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task A_configured_endpoint_wins_over_the_editor_model()
    {
        await using var server = new FakeOpenAiServer(["From the endpoint."]);
        var editor = new Scripted((_, _) => new ModelTurn("From the editor.", []));
        var context = ChatHarness.Context("SELECT 1;") with { EditorModel = editor, Model = new ModelSettings { Endpoint = server.BaseUri.ToString(), Name = "llama3.1" } };
        var (_, sink) = await ChatHarness.RunAsync(context, null, "hi");
        Assert.That(sink.ToMarkdown(), Is.EqualTo("From the endpoint."));
        Assert.That(editor.Requests, Is.Empty);
    }

    [Test]
    public async Task Slash_commands_answer_without_asking_the_model()
    {
        var editor = new Scripted((_, _) => new ModelTurn("model text", []));
        var context = ChatHarness.Context("DELETE FROM orders;") with { EditorModel = editor };
        var (_, sink) = await ChatHarness.RunAsync(context, "review");
        Assert.That(sink.ToMarkdown(), Does.Contain("delete-without-where"));
        Assert.That(editor.Requests, Is.Empty);
    }
}
