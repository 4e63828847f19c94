using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DbAgent.Server.Features.Chat;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>
/// The host's serializer leaves nulls out. The LSP 3.17 specification (and our custom methods' TypeScript side)
/// has members that are required but may be null (`version: integer | null`); leaving one out makes the client
/// reject the message (vscode-languageclient: "Unknown workspace edit change received", and the whole code action
/// response is dropped). One test per type with such members, with the host's own serializer settings, and one
/// check that no other nullable member was left to the default without a decision.
/// </summary>
[TestFixture]
public sealed class ProtocolSerializationTests
{
    private static readonly JsonSerializerOptions Options = LanguageServerHost.SerializerOptions();

    private static JsonObject Write<T>(T value) => JsonNode.Parse(JsonSerializer.Serialize(value, Options))!.AsObject();

    private static void AssertNullMember(JsonObject json, string member)
    {
        Assert.That(json.ContainsKey(member), Is.True, $"\"{member}\" is required (T | null) but was left out of {json.ToJsonString()}");
        Assert.That(json[member], Is.Null, $"\"{member}\" should be null in {json.ToJsonString()}");
    }

    [Test]
    public void Text_goes_out_as_written_apart_from_what_json_must_escape()
    {
        // No HTML escapes: the client parses the JSON, it never lands in a page. Quotes and control characters still are.
        var diagnostic = new Diagnostic { Range = new DbAgent.Server.Protocol.Range(new Position(0, 0), new Position(0, 1)), Message = "table's <= n & é — \"q\"\n", Source = "dbagent" };
        var json = JsonSerializer.Serialize(diagnostic, Options);
        Assert.That(json, Does.Contain("\"message\":\"table's <= n & é — \\\"q\\\"\\n\""));
        Assert.That(JsonSerializer.Deserialize<Diagnostic>(json, Options)!.Message, Is.EqualTo(diagnostic.Message));
    }

    [Test]
    public void OptionalVersionedTextDocumentIdentifier_writes_a_null_version()
    {
        AssertNullMember(Write(new OptionalVersionedTextDocumentIdentifier("file:///m.sql", null)), "version");
        Assert.That(Write(new OptionalVersionedTextDocumentIdentifier("file:///m.sql", 3))["version"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public void A_workspace_edit_with_a_created_file_keeps_the_null_version_of_its_text_document_edit()
    {
        var edit = new WorkspaceEdit
        {
            DocumentChanges =
            [
                new CreateFile("file:///w/migrations/V7__add_ix.sql", new CreateFileOptions(Overwrite: false, IgnoreIfExists: true)),
                new TextDocumentEdit(new OptionalVersionedTextDocumentIdentifier("file:///w/migrations/V7__add_ix.sql", null),
                    [new TextEdit(new Range(new Position(0, 0), new Position(0, 0)), "CREATE INDEX ix ON t (c);\n")]),
            ],
        };
        var json = Write(new CodeAction { Title = "Create index", Edit = edit });
        var changes = json["edit"]!["documentChanges"]!.AsArray();
        Assert.That(changes[0]!["kind"]!.GetValue<string>(), Is.EqualTo("create"));
        AssertNullMember(changes[1]!["textDocument"]!.AsObject(), "version");
        Assert.That(changes[1]!["edits"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public void InitializeParams_writes_null_processId_and_rootUri()
    {
        var json = Write(new InitializeParams { ProcessId = null, RootUri = null, Capabilities = JsonDocument.Parse("{}").RootElement });
        AssertNullMember(json, "processId");
        AssertNullMember(json, "rootUri");
        // Optional members stay out.
        Assert.That(json.ContainsKey("workspaceFolders"), Is.False);
    }

    [Test]
    public void DidChangeConfigurationParams_writes_null_settings()
    {
        AssertNullMember(Write(new DidChangeConfigurationParams { Settings = null }), "settings");
    }

    [Test]
    public void ConnectionStatusParams_writes_null_uri_and_connection()
    {
        var json = Write(new ConnectionStatusParams { Uri = null, Connection = null, State = ConnectionStates.None, Message = "" });
        AssertNullMember(json, "uri");
        AssertNullMember(json, "connection");
    }

    [Test]
    public void Connection_results_and_params_write_their_nulls()
    {
        AssertNullMember(Write(new TestConnectionResult(false, "refused", null)), "serverVersion");
        AssertNullMember(Write(new ConnectionPasswordResult(null)), "password");
        AssertNullMember(Write(new RefreshSchemaParams(null)), "connection");
        var refused = Write(new ParseConnectionResult(false, "choose the engine", true, null, null));
        AssertNullMember(refused, "connection");
        AssertNullMember(refused, "password");
        AssertNullMember(Write(new ParseConnectionParams("shop.db", null)), "engine");
    }

    [Test]
    public void Chat_parts_and_results_write_their_nulls()
    {
        AssertNullMember(Write(new ReferencePartValue("file:///q.sql", null)), "range");
        AssertNullMember(Write(new ChatFollowupValue("Explain", "explain it", null)), "command");
        AssertNullMember(Write(new ChatMetadata(null)), "command");
    }

    [Test]
    public async Task A_null_result_goes_over_the_wire_as_result_null_not_as_a_missing_member()
    {
        // JSON-RPC: a response has `result` or `error`; `Hover | null` with no hover is `"result": null`.
        await using var connection = new DbAgent.Server.Tests.Chat.RawLspConnection();
        await connection.InitializeAsync();
        await connection.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = "file:///q.sql", languageId = "sql", version = 1, text = "   \n" } });
        await connection.RequestAsync(7, "textDocument/hover", new { textDocument = new { uri = "file:///q.sql" }, position = new { line = 0, character = 1 } });
        var response = await connection.ResponseAsync(7);
        Assert.That(response.TryGetProperty("result", out var result), Is.True, response.GetRawText());
        Assert.That(result.ValueKind, Is.EqualTo(JsonValueKind.Null), response.GetRawText());
        await connection.RequestAsync(8, "shutdown", new { });
        var shutdown = await connection.ResponseAsync(8);
        Assert.That(shutdown.TryGetProperty("result", out var shutdownResult) && shutdownResult.ValueKind == JsonValueKind.Null, Is.True, shutdown.GetRawText());
    }

    /// <summary>
    /// Members the specification (or our TypeScript declarations) make optional (`name?: T`): left out when null.
    /// Every other nullable member of a protocol record must be written as null (JsonIgnoreCondition.Never). A new
    /// record with a nullable member fails here until someone has looked up which of the two it is.
    /// </summary>
    private static readonly HashSet<string> OptionalBySpecification =
    [
        "WorkspaceEdit.changes", "WorkspaceEdit.documentChanges",
        "CreateFile.options",
        "CodeActionContext.only",
        "CodeAction.diagnostics", "CodeAction.isPreferred", "CodeAction.edit",
        "Diagnostic.code", "Diagnostic.codeDescription", "Diagnostic.data",
        "PublishDiagnosticsParams.version", "DiagnosticsSpliceParams.version",
        "TextDocumentContentChangeEvent.range",
        "DidSaveTextDocumentParams.text",
        "Hover.range",
        "InitializeParams.clientInfo", "InitializeParams.workspaceFolders", "InitializeParams.initializationOptions",
        "ClientInfo.version",
        "ServerCapabilities.codeActionProvider",
        "TextDocumentSyncOptions.save",
        "DocumentSymbol.detail", "DocumentSymbol.children",
        "ConfigurationItem.scopeUri", "ConfigurationItem.section",
        "ServerCapabilities.completionProvider", "ServerCapabilities.signatureHelpProvider",
        "CompletionParams.context", "CompletionContext.triggerCharacter",
        "CompletionItem.kind", "CompletionItem.detail", "CompletionItem.documentation", "CompletionItem.sortText", "CompletionItem.filterText",
        "CompletionItem.insertText", "CompletionItem.textEdit", "CompletionItem.data",
        // Our own payload inside CompletionItem.data: each part is there only when the item names it.
        "CompletionItemData.uri", "CompletionItemData.kind", "CompletionItemData.schema", "CompletionItemData.name", "CompletionItemData.column",
        "SignatureInformation.documentation",
        // extension/src/plans/protocol.ts: `relation?: string`.
        "StatementPlanParams.relation",
    ];

    /// <summary>Records only the client writes and the server reads: how the server would write them does not matter.</summary>
    private static readonly HashSet<string> ClientToServer =
    [
        "ChatParams", "ChatModelInfo", "ChatReferenceParams", "ChatHistoryTurn", "ChatDocumentParams",
        "ModelRequestResult", "ModelToolCallValue", "ModelTextParams", "RunToolParams",
    ];

    private static IEnumerable<Type> ProtocolRecords() =>
        typeof(LanguageServerHost).Assembly.GetTypes().Where(t =>
            t.IsPublic && !t.IsAbstract && t.GetProperties().Any(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null) &&
            // Every record the server writes to the client: LSP types and every feature's custom payloads.
            t.Namespace?.StartsWith("DbAgent.Server", StringComparison.Ordinal) == true);

    [Test]
    public void Every_nullable_protocol_member_is_either_optional_by_the_specification_or_written_as_null()
    {
        var nullability = new NullabilityInfoContext();
        var undecided = new List<string>();
        var records = ProtocolRecords().ToList();
        Assert.That(records.Select(t => t.Name), Does.Contain(nameof(OptionalVersionedTextDocumentIdentifier)).And.Contain(nameof(ConnectionStatusParams)));
        foreach (var type in records)
        {
            foreach (var property in type.GetProperties())
            {
                // A generic payload (`$/progress` value: T) is as nullable as the T it is used with.
                if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is not { } name || property.PropertyType.IsGenericParameter) continue;
                var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null ||
                               !property.PropertyType.IsValueType && nullability.Create(property).WriteState == NullabilityState.Nullable;
                if (!nullable) continue;
                if (ClientToServer.Contains(type.Name)) continue;
                var ignore = property.GetCustomAttribute<JsonIgnoreAttribute>();
                var writtenAsNull = ignore is { Condition: JsonIgnoreCondition.Never };
                // An explicit WhenWritingNull on the member is a decision made where it is declared: optional.
                var optionalHere = ignore is { Condition: JsonIgnoreCondition.WhenWritingNull };
                var key = $"{type.Name}.{name.Name}";
                if (!writtenAsNull && !optionalHere && !OptionalBySpecification.Contains(key)) undecided.Add(key);
                if (writtenAsNull && OptionalBySpecification.Contains(key)) undecided.Add(key + " (listed as optional but written as null)");
            }
        }
        Assert.That(undecided, Is.Empty,
            "Nullable protocol members without a decision: look each up in the LSP 3.17 specification (or the TypeScript protocol.ts). " +
            "Required `T | null` -> [JsonIgnore(Condition = JsonIgnoreCondition.Never)]; optional `name?: T` -> add it to OptionalBySpecification. " +
            "Undecided: " + string.Join(", ", undecided));
    }
}
