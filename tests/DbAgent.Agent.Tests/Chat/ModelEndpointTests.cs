using System.Net;
using System.Net.Sockets;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Models;

namespace DbAgent.Agent.Tests.Chat;

/// <summary>The real model path (Semantic Kernel's OpenAI connector) against a local OpenAI-compatible endpoint.</summary>
public class ModelEndpointTests
{
    [Test]
    public async Task A_configured_endpoint_streams_its_answer_through_the_orchestrator()
    {
        await using var server = new FakeOpenAiServer(["Index ", "`orders(customer_id)`", ".\nThen check the plan."]);
        var context = ChatHarness.Context("SELECT * FROM orders WHERE customer_id = 1;") with
        {
            Model = new ModelSettings { Endpoint = server.BaseUri.ToString(), Name = "llama3.1" },
        };
        var sink = new BufferedChatSink();
        var answer = await new ChatOrchestrator().RunAsync(new ChatRequest("how do I make this faster?")
        {
            History = [new ChatTurn(ChatRole.User, "hi"), new ChatTurn(ChatRole.Assistant, "hello")],
        }, context, sink, CancellationToken.None);

        Assert.That(sink.ToMarkdown(), Is.EqualTo("Index `orders(customer_id)`.\nThen check the plan."));
        Assert.That(answer.Followups, Is.Not.Empty);
        var request = server.Requests.Single();
        Assert.That(request, Does.Contain("\"model\":\"llama3.1\"").And.Contain("\"stream\":true"));
        Assert.That(request, Does.Contain("how do I make this faster?").And.Contain("SELECT * FROM orders WHERE customer_id = 1"));
        Assert.That(request, Does.Contain("dbagent-propose_indexes"), "the DbAgent tools are offered as functions");
    }

    [Test]
    public async Task The_model_calls_a_database_function_and_answers_from_its_result()
    {
        await using var server = new FakeOpenAiServer(["Build the index above."], toolCall: ("dbagent-propose_indexes", "{\"line\":1}"));
        var context = ChatHarness.Context("SELECT id FROM orders WHERE customer_id = $1 AND created_at > now() ORDER BY created_at DESC;") with
        {
            Model = new ModelSettings { Endpoint = server.BaseUri.ToString(), Name = "llama3.1" },
        };
        var sink = new BufferedChatSink();
        await new ChatOrchestrator().RunAsync(new ChatRequest("which index do I need?"), context, sink, CancellationToken.None);

        Assert.That(sink.ToMarkdown(), Is.EqualTo("Build the index above."));
        Assert.That(server.Requests, Has.Count.EqualTo(2), "one call for the tool, one for the answer");
        // The second request carries the function's result back to the model: the advisor's DDL.
        Assert.That(server.Requests[1], Does.Contain("call_1").And.Contain("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_created_at"));
    }

    [Test]
    public async Task Semantic_kernel_passes_array_arguments_to_the_shared_tools_and_no_secret_goes_to_the_endpoint()
    {
        const string password = "pw-Known-4242";
        await using var server = new FakeOpenAiServer(["orders has a foreign key."], toolCall: ("dbagent-schema", "{\"tables\":[\"orders\"]}"));
        var schema = new DbAgent.Sql.Schema.SchemaModel(DbAgent.Sql.SqlDialect.Postgres);
        var orders = new DbAgent.Sql.Schema.TableModel { Name = new DbAgent.Sql.Semantics.QualifiedName(null, "orders") };
        orders.Columns.Add(new DbAgent.Sql.Schema.ColumnModel { Name = "customer_id", DataType = "bigint" });
        schema.Tables.Add(orders);
        var context = ChatHarness.Context("SELECT * FROM orders;") with
        {
            Schema = schema,
            Secrets = [password],
            Model = new ModelSettings { Endpoint = server.BaseUri.ToString(), Name = "llama3.1", ApiKey = "sk-known-key-77" },
        };
        var sink = new BufferedChatSink();
        await new ChatOrchestrator().RunAsync(new ChatRequest($"my password {password} -- which keys does orders have?"), context, sink, CancellationToken.None);

        Assert.That(sink.ToMarkdown(), Is.EqualTo("orders has a foreign key."));
        Assert.That(server.Requests, Has.Count.EqualTo(2));
        Assert.That(server.Requests[1], Does.Contain("Schema of `orders`").And.Contain("customer_id"), "the tool ran with the array argument");
        foreach (var body in server.Requests) Assert.That(body, Does.Not.Contain(password).And.Not.Contain("sk-known-key-77"));
    }

    [Test]
    public async Task A_rejected_key_gives_a_clear_message_and_the_tools_answer()
    {
        await using var server = new FakeOpenAiServer([], status: 401);
        var context = ChatHarness.Context("SELECT 1;") with { Model = new ModelSettings { Endpoint = server.BaseUri.ToString(), Name = "gpt-4o-mini", ApiKey = "sk-wrong-key-123" } };
        var markdown = await ChatHarness.MarkdownAsync(context, null, "how do I back up?");
        Assert.That(markdown, Does.Contain("rejected the API key").And.Contain("DbAgent: Set Model API Key"));
        Assert.That(markdown, Does.Not.Contain("sk-wrong-key-123"));
        Assert.That(markdown, Does.Contain("pg_dump"));
    }

    [Test]
    public async Task An_endpoint_that_is_not_there_says_so()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var context = ChatHarness.Context("SELECT 1;") with { Model = new ModelSettings { Endpoint = $"http://127.0.0.1:{port}/v1", Name = "llama3.1" } };
        var markdown = await ChatHarness.MarkdownAsync(context, null, "hello");
        Assert.That(markdown, Does.Contain($"http://127.0.0.1:{port} did not answer"));
    }

    [Test]
    public async Task Cancelling_while_the_endpoint_streams_stops_the_answer_and_the_request()
    {
        await using var server = new FakeOpenAiServer(["more text\n"], TimeSpan.FromMilliseconds(20), endless: true);
        var context = ChatHarness.Context("SELECT 1;") with { Model = new ModelSettings { Endpoint = server.BaseUri.ToString(), Name = "llama3.1" } };
        using var cts = new CancellationTokenSource();
        var sink = new CountingSink(cts, cancelAfterMarkdown: 3);
        Assert.That(async () => await new ChatOrchestrator().RunAsync(new ChatRequest("go on"), context, sink, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        var parts = sink.Count;
        await server.ClientWentAway.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(sink.Count, Is.EqualTo(parts));
    }

    private sealed class CountingSink(CancellationTokenSource cts, int cancelAfterMarkdown) : IChatPartSink
    {
        private int _markdown;
        public int Count { get; private set; }

        public ValueTask WriteAsync(ChatPart part, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Count++;
            if (part is MarkdownPart && ++_markdown == cancelAfterMarkdown) cts.Cancel();
            return ValueTask.CompletedTask;
        }
    }
}
