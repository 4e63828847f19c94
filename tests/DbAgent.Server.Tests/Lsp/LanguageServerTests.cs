using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Lsp;

[TestFixture]
public sealed class LanguageServerTests
{
    private const string Uri = "file:///work/queries/cleanup.sql";

    private static Range R(int l1, int c1, int l2, int c2) => new(new Position(l1, c1), new Position(l2, c2));

    [Test]
    public async Task Initialize_advertises_what_the_server_answers()
    {
        await using var client = LspTestClient.InProcess();
        var result = await client.InitializeAsync();
        Assert.That(result.ServerInfo.Name, Is.EqualTo("dbagent"));
        Assert.That(result.Capabilities.TextDocumentSync.Change, Is.EqualTo(TextDocumentSyncKind.Incremental));
        Assert.That(result.Capabilities.TextDocumentSync.OpenClose, Is.True);
        Assert.That(result.Capabilities.HoverProvider, Is.True);
        Assert.That(result.Capabilities.DocumentSymbolProvider, Is.True);
        Assert.That(result.Capabilities.CodeActionProvider!.CodeActionKinds, Is.EqualTo(new[] { "quickfix" }));
    }

    [Test]
    public async Task Delete_without_where_is_reported_on_the_statement_then_replaced_after_an_edit_and_cleared_on_close()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();

        await client.OpenAsync(Uri, "DELETE FROM orders;");
        var opened = await client.DiagnosticsAsync(Uri);
        Assert.That(opened.Version, Is.EqualTo(1));
        var diagnostic = opened.Diagnostics.Single();
        Assert.That(diagnostic.Code, Is.EqualTo("delete-without-where"));
        Assert.That(diagnostic.Source, Is.EqualTo("dbagent"));
        Assert.That(diagnostic.Severity, Is.EqualTo(DiagnosticSeverity.Error));
        Assert.That(diagnostic.Range, Is.EqualTo(R(0, 0, 0, 18)), "the statement without its semicolon");
        Assert.That(diagnostic.Message, Does.Contain("orders"));

        var seen = client.Diagnostics.Count;
        await client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = R(0, 18, 0, 18), Text = " WHERE id = 42" });
        var fixedUp = await client.DiagnosticsAsync(Uri, after: seen);
        Assert.That(fixedUp.Version, Is.EqualTo(2));
        Assert.That(fixedUp.Diagnostics, Is.Empty);

        seen = client.Diagnostics.Count;
        await client.CloseAsync(Uri);
        var cleared = await client.DiagnosticsAsync(Uri, after: seen);
        Assert.That(cleared.Diagnostics, Is.Empty);
        Assert.That(client.Server!.Context.Documents.TryGet(Uri), Is.Null);
    }

    [Test]
    public async Task Update_without_where_is_reported_on_its_own_statement_among_others()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\n\nUPDATE accounts\n   SET balance = 0;\nDELETE FROM audit WHERE id < 10;\n");
        var published = await client.DiagnosticsAsync(Uri);
        var diagnostic = published.Diagnostics.Single();
        Assert.That(diagnostic.Code, Is.EqualTo("update-without-where"));
        Assert.That(diagnostic.Range, Is.EqualTo(R(2, 0, 3, 18)));
    }

    [Test]
    public async Task Exact_postgres_syntax_errors_come_from_libpg_query_on_the_offending_token()
    {
        if (!DbAgent.Sql.Validation.LibPgQuery.IsAvailable) Assert.Ignore($"libpg_query is not installed: {DbAgent.Sql.Validation.LibPgQuery.UnavailableReason}");
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\nSELECT id FROM WHERE x = 1;\n");
        var published = await client.DiagnosticsAsync(Uri);
        var diagnostic = published.Diagnostics.Single();
        Assert.That(diagnostic.Code, Is.EqualTo("syntax-error"));
        Assert.That(diagnostic.Message, Does.Contain("WHERE"));
        Assert.That(diagnostic.Range, Is.EqualTo(R(1, 15, 1, 20)));
        Assert.That(client.Server!.Context.Diagnostics.LastPublished(Uri)!.Findings.Single().Data["source"], Is.EqualTo("libpg_query"));
    }

    [Test]
    public async Task Rapid_incremental_edits_are_applied_in_order_and_the_latest_version_wins()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "");
        await client.DiagnosticsAsync(Uri);
        var text = "DELETE FROM orders;";
        for (var i = 0; i < text.Length; i++)
            await client.ChangeAsync(Uri, i + 2, new TextDocumentContentChangeEvent { Range = R(0, i, 0, i), Text = text[i].ToString() });
        var last = text.Length + 1;
        var published = await client.DiagnosticsAsync(Uri, p => p.Version == last);
        Assert.That(published.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "delete-without-where" }));
        Assert.That(client.Server!.Context.Documents.TryGet(Uri)!.Text.Text, Is.EqualTo(text));
        // No fixed debounce (an edit's diagnostics come as soon as they are computed), but never a stale version:
        // what is published goes up in version, and an edit that arrived during an analysis replaces it.
        var versions = client.Diagnostics.Snapshot().Where(p => p.Uri == Uri).Select(p => p.Version ?? 0).ToList();
        Assert.That(versions, Is.Ordered.Ascending);
        Assert.That(versions.Distinct().Count(), Is.EqualTo(versions.Count));
    }

    [Test]
    public async Task Diagnostics_step_aside_while_a_completion_runs_and_then_come_for_the_latest_version()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\n");
        await client.DiagnosticsAsync(Uri);
        var publisher = client.Server!.Context.Diagnostics;
        publisher.MaxStepAside = TimeSpan.FromMinutes(1);
        var aside = publisher.StepAside();
        await client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = R(1, 0, 1, 0), Text = "DELETE FROM orders;" });
        await client.ChangeAsync(Uri, 3, new TextDocumentContentChangeEvent { Range = R(1, 19, 1, 19), Text = "\nUPDATE t SET a = 1;" });
        await Task.Delay(300);
        Assert.That(client.Diagnostics.Snapshot().Where(p => p.Uri == Uri).Select(p => p.Version), Is.EqualTo(new int?[] { 1 }),
            "nothing is analysed while the read runs");
        aside.Dispose();
        var published = await client.DiagnosticsAsync(Uri, p => p.Version == 3);
        Assert.That(published.Diagnostics.Select(d => d.Code), Is.EquivalentTo(new[] { "delete-without-where", "update-without-where" }));
        // Version 3 may be published again when the server's settings arrive (they re-analyse open documents), but the
        // version the read skipped never is.
        var versions = client.Diagnostics.Snapshot().Where(p => p.Uri == Uri).Select(p => p.Version).ToList();
        Assert.That(versions, Does.Not.Contain(2), "the version the read skipped is never published");
        Assert.That(versions.Distinct(), Is.EqualTo(new int?[] { 1, 3 }));
    }

    [Test]
    public async Task Several_changes_in_one_notification_apply_one_after_the_other()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\nDELETE FROM orders WHERE id = 1;\n");
        await client.DiagnosticsAsync(Uri);
        await client.ChangeAsync(Uri, 2,
            new TextDocumentContentChangeEvent { Range = R(1, 18, 1, 31), Text = "" },            // drop " WHERE id = 1"
            new TextDocumentContentChangeEvent { Range = R(0, 0, 0, 9), Text = "SELECT 2;" });
        var published = await client.DiagnosticsAsync(Uri, p => p.Version == 2);
        Assert.That(client.Server!.Context.Documents.TryGet(Uri)!.Text.Text, Is.EqualTo("SELECT 2;\nDELETE FROM orders;\n"));
        Assert.That(published.Diagnostics.Single().Range, Is.EqualTo(R(1, 0, 1, 18)));
    }

    [Test]
    public async Task Hover_on_a_table_names_it_and_says_that_statistics_need_a_connection()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\nUPDATE orders SET total = 0 WHERE id = 1;\n");
        await client.DiagnosticsAsync(Uri);

        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(1, 9)));
        Assert.That(hover, Is.Not.Null);
        Assert.That(hover!.Contents.Kind, Is.EqualTo("markdown"));
        Assert.That(hover.Contents.Value, Does.Contain("`orders`"));
        Assert.That(hover.Contents.Value, Does.Contain("need a connection"));
        Assert.That(hover.Range, Is.EqualTo(R(1, 7, 1, 13)));

        var nothing = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(5, 0)));
        Assert.That(nothing, Is.Null);
    }

    [Test]
    public async Task Hover_on_a_finding_says_what_is_wrong()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "DELETE FROM orders;");
        await client.DiagnosticsAsync(Uri);
        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 2)));
        Assert.That(hover!.Contents.Value, Does.Contain("delete-without-where"));
        Assert.That(hover.Contents.Value, Does.Contain("every row"));
    }

    [Test]
    public async Task Hover_on_a_document_that_is_not_open_answers_null()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier("file:///nope.sql"), new Position(0, 0)));
        Assert.That(hover, Is.Null);
    }

    [Test]
    public async Task Code_actions_offer_a_where_clause_and_an_ignore_comment_that_silences_the_rule()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\n  DELETE FROM orders;\n");
        var published = await client.DiagnosticsAsync(Uri);
        var diagnostic = published.Diagnostics.Single();

        var actions = await client.RequestAsync<CodeAction[]>(Methods.CodeAction,
            new CodeActionParams(new TextDocumentIdentifier(Uri), diagnostic.Range, new CodeActionContext { Diagnostics = [diagnostic] }));
        Assert.That(actions, Is.Not.Null);
        Assert.That(actions!.Select(a => a.Title), Is.EquivalentTo(new[] { "Add WHERE clause", "Ignore delete-without-where for this statement" }));
        Assert.That(actions!.All(a => a.Kind == "quickfix"));

        var addWhere = actions!.Single(a => a.Title == "Add WHERE clause").Edit!.Changes![Uri].Single();
        Assert.That(addWhere.Range, Is.EqualTo(R(1, 20, 1, 20)));
        Assert.That(addWhere.NewText, Does.StartWith(" WHERE "));

        var ignore = actions!.Single(a => a.Title.StartsWith("Ignore")).Edit!.Changes![Uri].Single();
        Assert.That(ignore.Range, Is.EqualTo(R(1, 0, 1, 0)));
        Assert.That(ignore.NewText, Is.EqualTo("  -- dbagent-ignore delete-without-where\n"));

        var seen = client.Diagnostics.Count;
        await client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = ignore.Range, Text = ignore.NewText });
        var after = await client.DiagnosticsAsync(Uri, p => p.Version == 2, seen);
        Assert.That(after.Diagnostics, Is.Empty, "the inserted comment suppresses the rule");
    }

    [Test]
    public async Task Code_actions_are_empty_where_there_is_no_finding_or_another_kind_is_asked_for()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;\nDELETE FROM orders;\n");
        await client.DiagnosticsAsync(Uri);
        var none = await client.RequestAsync<CodeAction[]>(Methods.CodeAction,
            new CodeActionParams(new TextDocumentIdentifier(Uri), R(0, 0, 0, 3), new CodeActionContext()));
        Assert.That(none, Is.Empty);
        var refactor = await client.RequestAsync<CodeAction[]>(Methods.CodeAction,
            new CodeActionParams(new TextDocumentIdentifier(Uri), R(1, 0, 1, 3), new CodeActionContext { Only = ["refactor"] }));
        Assert.That(refactor, Is.Empty);
    }

    [Test]
    public async Task Document_symbols_name_each_statement_by_kind_and_object()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "CREATE TABLE orders (\n  id bigint PRIMARY KEY\n);\nDELETE FROM orders WHERE id = 1;\nUPDATE accounts\n  SET balance = 0 WHERE id = 2;\n");
        var symbols = await client.RequestAsync<DocumentSymbol[]>(Methods.DocumentSymbol, new DocumentSymbolParams(new TextDocumentIdentifier(Uri)));
        Assert.That(symbols, Has.Length.EqualTo(3));
        Assert.That(symbols![0].Name, Does.StartWith("CREATE TABLE"));
        Assert.That(symbols[0].Kind, Is.EqualTo(SymbolKind.Struct));
        Assert.That(symbols[0].Range, Is.EqualTo(R(0, 0, 2, 1)));
        Assert.That(symbols[1].Name, Is.EqualTo("DELETE orders"));
        Assert.That(symbols[1].SelectionRange, Is.EqualTo(R(3, 12, 3, 18)), "the selection is the object's name");
        Assert.That(symbols[2].Name, Is.EqualTo("UPDATE accounts"));
        Assert.That(symbols[2].Range, Is.EqualTo(R(4, 0, 5, 30)));
    }

    [Test]
    public async Task A_rule_switched_off_in_settings_disappears_and_a_severity_override_applies()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "DELETE FROM orders;");
        await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Count == 1);

        client.Settings = JsonDocument.Parse("""{ "rules": { "delete-without-where": "off" } }""").RootElement;
        var seen = client.Diagnostics.Count;
        await client.NotifyAsync(Methods.DidChangeConfiguration, new { settings = (object?)null });
        var off = await client.DiagnosticsAsync(Uri, after: seen);
        Assert.That(off.Diagnostics, Is.Empty);

        client.Settings = JsonDocument.Parse("""{ "rules": { "delete-without-where": "warning" } }""").RootElement;
        seen = client.Diagnostics.Count;
        await client.NotifyAsync(Methods.DidChangeConfiguration, new { settings = (object?)null });
        var warning = await client.DiagnosticsAsync(Uri, after: seen);
        Assert.That(warning.Diagnostics.Single().Severity, Is.EqualTo(DiagnosticSeverity.Warning));
    }

    [Test]
    public async Task A_client_without_configuration_requests_can_push_settings()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(supportsConfiguration: false);
        await client.OpenAsync(Uri, "DELETE FROM orders;");
        await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Count == 1);
        var seen = client.Diagnostics.Count;
        await client.NotifyAsync(Methods.DidChangeConfiguration,
            new { settings = JsonDocument.Parse("""{ "dbagent": { "rules": { "delete-without-where": "off" } } }""").RootElement });
        var off = await client.DiagnosticsAsync(Uri, after: seen);
        Assert.That(off.Diagnostics, Is.Empty);
        Assert.That(client.ConfigurationRequests, Is.Zero, "a client that did not announce workspace/configuration is never asked");
    }

    [Test]
    public async Task Dialect_comes_from_the_folder_setting_unless_the_first_line_says_otherwise()
    {
        await using var client = LspTestClient.InProcess();
        client.ScopedSettings[Uri] = JsonDocument.Parse("""{ "dialect": "mysql" }""").RootElement;
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;");
        await client.DiagnosticsAsync(Uri);
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (client.Server!.Context.Documents.TryGet(Uri)?.Dialect != DbAgent.Sql.SqlDialect.MySql && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.That(client.Server.Context.Documents.TryGet(Uri)!.Dialect, Is.EqualTo(DbAgent.Sql.SqlDialect.MySql));

        const string other = "file:///work/queries/other.sql";
        client.ScopedSettings[other] = JsonDocument.Parse("""{ "dialect": "mysql" }""").RootElement;
        await client.OpenAsync(other, "-- dbagent: dialect=tsql\nSELECT 1;");
        await client.DiagnosticsAsync(other);
        var snapshot = await client.Server.Context.Documents.GetAsync(other, CancellationToken.None);
        Assert.That(snapshot!.Dialect, Is.EqualTo(DbAgent.Sql.SqlDialect.TSql));
    }

    [Test]
    public async Task A_document_of_random_bytes_does_not_take_the_server_down()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        var random = new Random(20261124);
        var bytes = new byte[64 * 1024];
        random.NextBytes(bytes);
        // Every UTF-16 code unit, lone surrogates and NULs included.
        var garbage = new string(Enumerable.Range(0, bytes.Length / 2).Select(i => (char)BitConverter.ToUInt16(bytes, i * 2)).ToArray());
        const string garbageUri = "file:///work/garbage.sql";
        await client.OpenAsync(garbageUri, garbage);
        await client.DiagnosticsAsync(garbageUri);
        await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(garbageUri), new Position(3, 7)));
        await client.RequestAsync<DocumentSymbol[]>(Methods.DocumentSymbol, new DocumentSymbolParams(new TextDocumentIdentifier(garbageUri)));
        await client.ChangeAsync(garbageUri, 2, new TextDocumentContentChangeEvent { Range = R(0, 0, 900, 5), Text = "\"unterminated" });
        await client.DiagnosticsAsync(garbageUri, p => p.Version == 2);

        await client.OpenAsync(Uri, "DELETE FROM orders;");
        var still = await client.DiagnosticsAsync(Uri);
        Assert.That(still.Diagnostics.Single().Code, Is.EqualTo("delete-without-where"));
    }

    [Test]
    public async Task Edits_with_positions_past_the_end_are_clamped_not_fatal()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT 1;");
        await client.DiagnosticsAsync(Uri);
        await client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = R(40, 3, 2, 0), Text = "\nDELETE FROM t;" });
        var published = await client.DiagnosticsAsync(Uri, p => p.Version == 2);
        Assert.That(client.Server!.Context.Documents.TryGet(Uri)!.Text.Text, Is.EqualTo("SELECT 1;\nDELETE FROM t;"));
        Assert.That(published.Diagnostics.Single().Code, Is.EqualTo("delete-without-where"));
    }

    [Test]
    public async Task A_request_cancelled_while_it_waits_for_pending_edits_is_answered_as_cancelled()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "DELETE FROM orders;");
        await client.DiagnosticsAsync(Uri);

        // Hold the mutations, as a long re-parse would: the hover must wait for them, and stop waiting when cancelled.
        using var release = new ManualResetEventSlim();
        _ = client.Server!.Requests.EnqueueMutationAsync(() => Task.Run(() => release.Wait(LspTestClient.Timeout)));
        using var cts = new CancellationTokenSource();
        var hover = client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 0)), cts.Token);
        await Task.Delay(100);
        Assert.That(hover.IsCompleted, Is.False, "the hover waits for the edits sent before it");
        cts.Cancel();
        // Well before the client's own timeout: the server answered the $/cancelRequest (a TimeoutException otherwise).
        Assert.That(async () => await hover.WaitAsync(TimeSpan.FromSeconds(5)), Throws.InstanceOf<OperationCanceledException>());
        release.Set();

        var symbols = await client.RequestAsync<DocumentSymbol[]>(Methods.DocumentSymbol, new DocumentSymbolParams(new TextDocumentIdentifier(Uri)));
        Assert.That(symbols, Has.Length.EqualTo(1), "the server keeps answering");
    }

    [Test]
    public async Task Requests_before_initialize_are_refused_with_server_not_initialized()
    {
        await using var client = LspTestClient.InProcess();
        var error = Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(async () =>
            await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 0))));
        Assert.That(error!.ErrorCode, Is.EqualTo(LspErrorCodes.ServerNotInitialized));
        // Notifications before initialize are dropped, and initialize still works afterwards.
        await client.OpenAsync(Uri, "DELETE FROM orders;");
        await client.InitializeAsync();
        Assert.That(client.Server!.Context.Documents.TryGet(Uri), Is.Null);
    }

    [Test]
    public async Task Requests_after_shutdown_are_refused_as_invalid()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.RequestAsync<object>(Methods.Shutdown, new { });
        var error = Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(async () =>
            await client.RequestAsync<DocumentSymbol[]>(Methods.DocumentSymbol, new DocumentSymbolParams(new TextDocumentIdentifier(Uri))));
        Assert.That(error!.ErrorCode, Is.EqualTo(LspErrorCodes.InvalidRequest));
        await client.Rpc.NotifyAsync(Methods.Exit);
        Assert.That(await client.Server!.Context.State.Exited.WaitAsync(LspTestClient.Timeout), Is.EqualTo(0));
    }

    [Test]
    public async Task Shutdown_then_exit_ends_the_server_with_exit_code_zero()
    {
        var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        var code = await client.ShutdownAsync();
        Assert.That(code, Is.EqualTo(0));
        await client.DisposeAsync();
    }

    [Test]
    public async Task Exit_without_shutdown_ends_the_server_with_exit_code_one()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.Rpc.NotifyAsync(Methods.Exit);
        var code = await client.Server!.Context.State.Exited.WaitAsync(LspTestClient.Timeout);
        Assert.That(code, Is.EqualTo(1));
    }

    [Test]
    public async Task The_server_logs_to_the_client_window()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        var ready = await client.Logs.WaitAsync(l => l.Message.Contains("ready"), 0, LspTestClient.Timeout);
        Assert.That(ready.Type, Is.EqualTo(MessageType.Info));
    }
}
