using System.Runtime.CompilerServices;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Models;

namespace DbAgent.Agent.Tests.Chat;

public class OrchestratorTests
{
    private sealed class ScriptedModel(IEnumerable<string> chunks, Exception? failure = null) : IChatModel
    {
        public int Calls { get; private set; }
        public ChatRequest? LastRequest { get; private set; }

        public async IAsyncEnumerable<string> StreamAsync(ChatRequest request, ChatContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Calls++;
            LastRequest = request;
            foreach (var chunk in chunks)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                yield return chunk;
            }
            if (failure is not null) throw failure;
        }
    }

    /// <summary>Cancels its token after a number of parts, like a user pressing stop mid-answer.</summary>
    private sealed class CancellingSink(CancellationTokenSource cts, int after) : IChatPartSink
    {
        public List<ChatPart> Parts { get; } = [];

        public ValueTask WriteAsync(ChatPart part, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Parts.Add(part);
            if (Parts.Count == after) cts.Cancel();
            return ValueTask.CompletedTask;
        }
    }

    [Test]
    public async Task A_question_without_a_model_is_routed_to_the_closest_command_and_says_how_to_configure_one()
    {
        var factoryCalls = 0;
        var orchestrator = new ChatOrchestrator(modelFactory: _ => { factoryCalls++; return new ScriptedModel([]); });
        var context = ChatHarness.Context("SELECT id FROM orders WHERE customer_id = 5 ORDER BY created_at DESC LIMIT 20;");
        var sink = new BufferedChatSink();
        var answer = await orchestrator.RunAsync(new ChatRequest("which index would make this faster?"), context, sink, CancellationToken.None);
        var markdown = sink.ToMarkdown();

        Assert.That(factoryCalls, Is.Zero);
        Assert.That(markdown, Does.Contain("No language model is configured"));
        Assert.That(markdown, Does.Contain("closest to `/indexes`"));
        Assert.That(markdown, Does.Contain("dbagent.model.endpoint").And.Contain("dbagent.model.name").And.Contain("SecretStorage"));
        Assert.That(markdown, Does.Contain("DbAgent: Set Model API Key"));
        // Only the OpenAI-compatible endpoint is built: the answer must not send users looking for another route.
        Assert.That(markdown, Does.Not.Contain("language model API"));
        Assert.That(sink.Parts.Count, Is.GreaterThanOrEqualTo(2));
        Assert.That(answer.Followups, Is.Not.Empty);
        Assert.That(answer.Command, Is.Null);
    }

    [Test]
    public async Task A_question_matching_no_command_summarises_the_file()
    {
        var context = ChatHarness.Context("SELECT 1;\nDELETE FROM orders;\n");
        var (answer, sink) = await ChatHarness.RunAsync(context, null, "hello there");
        var markdown = sink.ToMarkdown();
        Assert.That(markdown, Does.Contain("2 statements").And.Contain("1 finding"));
        Assert.That(markdown, Does.Contain("`delete-without-where` (line 2)"));
        Assert.That(sink.Parts.OfType<ReferencePart>(), Is.Not.Empty);
        Assert.That(markdown, Does.Contain("dbagent.model.endpoint"));
        Assert.That(answer.Followups.Select(f => f.Command), Does.Contain("review"));
    }

    [TestCase("How do I restore to yesterday?", "backup")]
    [TestCase("is this migration safe? will the ALTER lock the table", "migrations")]
    [TestCase("should I add read replicas or partition", "scaling")]
    [TestCase("why is this query slow", "optimize")]
    [TestCase("what does this do? explain it", "explain")]
    [TestCase("", null)]
    [TestCase("good morning", null)]
    public void Router_picks_the_closest_command(string prompt, string? command) =>
        Assert.That(CommandRouter.Route(prompt), Is.EqualTo(command));

    [Test]
    public async Task A_configured_model_streams_its_answer_in_line_sized_parts()
    {
        var model = new ScriptedModel(["Add an ", "index on ", "`customer_id`.\nThen ", "re-run EXPLAIN."]);
        var orchestrator = new ChatOrchestrator(modelFactory: _ => model);
        var context = ChatHarness.Context("SELECT * FROM orders WHERE customer_id = 1;") with { Model = new ModelSettings { Endpoint = "http://localhost:11434/v1", Name = "llama3.1" } };
        var sink = new BufferedChatSink();
        var answer = await orchestrator.RunAsync(new ChatRequest("how do I speed this up?"), context, sink, CancellationToken.None);

        var markdown = sink.Parts.OfType<MarkdownPart>().Select(p => p.Text).ToList();
        Assert.That(model.Calls, Is.EqualTo(1));
        Assert.That(markdown, Is.EqualTo(new[] { "Add an index on `customer_id`.\n", "Then re-run EXPLAIN." }));
        Assert.That(sink.Parts.OfType<ProgressPart>().Single().Message, Does.Contain("llama3.1"));
        Assert.That(string.Concat(markdown), Does.Not.Contain("No language model is configured"));
        Assert.That(answer.Followups, Is.Not.Empty);
    }

    [Test]
    public async Task Slash_commands_never_use_the_model()
    {
        var model = new ScriptedModel(["model text"]);
        var orchestrator = new ChatOrchestrator(modelFactory: _ => model);
        var context = ChatHarness.Context("DELETE FROM orders;") with { Model = new ModelSettings { Endpoint = "http://localhost:11434/v1", Name = "llama3.1" } };
        var sink = new BufferedChatSink();
        await orchestrator.RunAsync(new ChatRequest("") { Command = "review" }, context, sink, CancellationToken.None);
        Assert.That(model.Calls, Is.Zero);
        Assert.That(sink.ToMarkdown(), Does.Contain("delete-without-where").And.Not.Contain("model text"));
    }

    [Test]
    public async Task A_misconfigured_model_gets_a_clear_message_and_a_tools_answer()
    {
        var model = new ScriptedModel(["never"]);
        var orchestrator = new ChatOrchestrator(modelFactory: _ => model);
        var context = ChatHarness.Context("SELECT 1;") with { Model = new ModelSettings { Endpoint = "localhost:11434", Name = "llama3.1" } };
        var sink = new BufferedChatSink();
        await orchestrator.RunAsync(new ChatRequest("how should I back up this database?"), context, sink, CancellationToken.None);
        var markdown = sink.ToMarkdown();
        Assert.That(model.Calls, Is.Zero);
        Assert.That(markdown, Does.Contain("The model is not usable: `dbagent.model.endpoint` is not an http(s) URL"));
        Assert.That(markdown, Does.Contain("pg_dump"));
    }

    [Test]
    public async Task A_model_that_fails_is_reported_and_the_tools_answer_instead()
    {
        var model = new ScriptedModel([], new ChatModelException("The model endpoint http://localhost:11434 did not answer. Is the server running?"));
        var orchestrator = new ChatOrchestrator(modelFactory: _ => model);
        var context = ChatHarness.Context("SELECT 1;") with { Model = new ModelSettings { Endpoint = "http://localhost:11434/v1", Name = "llama3.1" } };
        var sink = new BufferedChatSink();
        await orchestrator.RunAsync(new ChatRequest("how do I scale reads?"), context, sink, CancellationToken.None);
        var markdown = sink.ToMarkdown();
        Assert.That(markdown, Does.Contain("The model could not answer: The model endpoint http://localhost:11434 did not answer."));
        Assert.That(markdown, Does.Contain("PgBouncer"));
    }

    [Test]
    public async Task Cancellation_between_parts_stops_the_answer()
    {
        using var cts = new CancellationTokenSource();
        var sink = new CancellingSink(cts, after: 2);
        var context = ChatHarness.Context("CREATE INDEX a ON t (x);\nALTER TABLE t ADD COLUMN y int NOT NULL;\nDROP TABLE u;\n");
        Assert.That(async () => await new ChatOrchestrator().RunAsync(new ChatRequest("") { Command = "migrations" }, context, sink, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(sink.Parts, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Cancellation_while_the_model_streams_stops_the_answer()
    {
        using var cts = new CancellationTokenSource();
        var sink = new CancellingSink(cts, after: 2);
        var model = new ScriptedModel(Enumerable.Range(0, 50).Select(i => $"line {i}\n"));
        var context = ChatHarness.Context("SELECT 1;") with { Model = new ModelSettings { Endpoint = "http://localhost:1234/v1", Name = "qwen" } };
        Assert.That(async () => await new ChatOrchestrator(modelFactory: _ => model).RunAsync(new ChatRequest("tell me"), context, sink, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(sink.Parts, Has.Count.EqualTo(2));
    }

    [Test]
    public void An_already_cancelled_request_sends_nothing()
    {
        var sink = new BufferedChatSink();
        Assert.That(async () => await new ChatOrchestrator().RunAsync(new ChatRequest("") { Command = "backup" }, new ChatContext(), sink, new CancellationToken(true)),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(sink.Parts, Is.Empty);
    }
}
