using System.Reflection;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Tests.Lsp;

[TestFixture]
public sealed class RequestQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_read_starts_only_after_the_mutations_enqueued_before_it_and_sees_them()
    {
        var queue = new RequestQueue();
        var state = 0;
        var release = new TaskCompletionSource();
        var first = queue.EnqueueMutationAsync(async () => { await release.Task; state = 1; return 0; });
        var second = queue.EnqueueMutationAsync(() => { state = state == 1 ? 2 : -1; return Task.FromResult(0); });
        var read = queue.EnqueueReadAsync(() => Task.FromResult(state), CancellationToken.None);

        await Task.Delay(50);
        Assert.That(read.IsCompleted, Is.False, "the read waits for the pending mutations");
        release.SetResult();
        Assert.That(await read.WaitAsync(Wait), Is.EqualTo(2), "both mutations ran, in order, before the read");
        await Task.WhenAll(first, second);
    }

    [Test]
    public async Task Reads_run_in_parallel()
    {
        var queue = new RequestQueue();
        // Each read waits until every other one has started: run one at a time, they never finish.
        const int readers = 4;
        using var started = new CountdownEvent(readers);
        var reads = Enumerable.Range(0, readers).Select(i => queue.EnqueueReadAsync(() => Task.Run(() =>
        {
            started.Signal();
            return started.Wait(Wait) ? i : -1;
        }), CancellationToken.None)).ToList();
        Assert.That(await Task.WhenAll(reads).WaitAsync(Wait * 2), Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    [Test]
    public async Task A_mutation_does_not_wait_for_a_read_that_is_still_running()
    {
        var queue = new RequestQueue();
        var release = new TaskCompletionSource<int>();
        var longRead = queue.EnqueueReadAsync(() => release.Task, CancellationToken.None);
        var mutation = queue.EnqueueMutationAsync(() => Task.FromResult(1));
        var laterRead = queue.EnqueueReadAsync(() => Task.FromResult(2), CancellationToken.None);
        Assert.That(await mutation.WaitAsync(Wait), Is.EqualTo(1));
        Assert.That(await laterRead.WaitAsync(Wait), Is.EqualTo(2));
        Assert.That(longRead.IsCompleted, Is.False);
        release.SetResult(3);
        Assert.That(await longRead, Is.EqualTo(3));
    }

    [Test]
    public async Task A_failed_mutation_does_not_stop_the_ones_after_it()
    {
        var queue = new RequestQueue();
        var failed = queue.EnqueueMutationAsync<int>(() => throw new InvalidOperationException("bad input"));
        var next = queue.EnqueueMutationAsync(() => Task.FromResult(7));
        Assert.That(async () => await failed, Throws.InvalidOperationException);
        Assert.That(await next.WaitAsync(Wait), Is.EqualTo(7));
    }

    [Test]
    public async Task A_read_cancelled_while_it_waits_never_runs()
    {
        var queue = new RequestQueue();
        var release = new TaskCompletionSource<int>();
        _ = queue.EnqueueMutationAsync(() => release.Task);
        using var cts = new CancellationTokenSource();
        var ran = false;
        var read = queue.EnqueueReadAsync(() => { ran = true; return Task.FromResult(0); }, cts.Token);
        cts.Cancel();
        Assert.That(async () => await read.WaitAsync(Wait), Throws.InstanceOf<OperationCanceledException>());
        release.SetResult(0);
        await queue.WhenMutationsDoneAsync(CancellationToken.None).WaitAsync(Wait);
        Assert.That(ran, Is.False);
    }

    [Test]
    public async Task Over_the_wire_a_read_sent_after_an_edit_answers_on_the_edited_text()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        const string uri = "file:///work/queue.sql";
        await client.OpenAsync(uri, "SELECT 1;");
        await client.DiagnosticsAsync(uri);

        // A mutation still running (as a slow edit would be) holds the edit sent after it, and the read after that.
        var release = new TaskCompletionSource<int>();
        _ = client.Server!.Requests.EnqueueMutationAsync(() => release.Task);
        await client.ChangeAsync(uri, 2, new TextDocumentContentChangeEvent { Text = "SELECT 1;\nSELECT 2;\nSELECT 3;" });
        var symbols = client.RequestAsync<DocumentSymbol[]>(Methods.DocumentSymbol, new DocumentSymbolParams(new TextDocumentIdentifier(uri)));
        await Task.Delay(100);
        Assert.That(symbols.IsCompleted, Is.False, "the read waits for the edit sent before it");
        release.SetResult(0);
        Assert.That(await symbols.WaitAsync(Wait), Has.Length.EqualTo(3), "and then reads the edited text");
    }

    [Test]
    public void Every_handler_declares_whether_it_mutates_server_state()
    {
        var handlers = typeof(LanguageServerHost).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<JsonRpcMethodAttribute>() is not null))
            .ToList();
        Assert.That(handlers, Has.Count.GreaterThanOrEqualTo(15), "the handlers are found");
        Assert.That(handlers.Where(t => t.GetCustomAttribute<LspHandlerAttribute>() is null).Select(t => t.Name), Is.Empty,
            "add [LspHandler(mutatesState: true|false)] to these handlers");
        Assert.That(LspJsonRpcMutates("DidChangeHandler"), Is.True);
        Assert.That(LspJsonRpcMutates("HoverHandler"), Is.False);
    }

    private static bool LspJsonRpcMutates(string name) =>
        typeof(LanguageServerHost).Assembly.GetTypes().Single(t => t.Name == name).GetCustomAttribute<LspHandlerAttribute>()!.MutatesState;
}
