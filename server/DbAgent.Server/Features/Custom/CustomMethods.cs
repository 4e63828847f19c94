namespace DbAgent.Server.Features.Custom;

/// <summary>
/// DbAgent's own LSP methods, declared once on this side (the extension declares the same names as `RequestType`s in
/// `extension/src/&lt;feature&gt;/protocol.ts`). The payloads are the records beside each feature's handlers
/// (`Features/Chat/ChatProtocol.cs`, `Features/Connections/ConnectionProtocol.cs`) and the TypeScript interfaces there.
/// </summary>
public static class CustomMethods
{
    /// <summary>Client → server request: a chat turn; parts stream back with `$/progress` on the partialResultToken.</summary>
    public const string Chat = "dbagent/chat";

    /// <summary>Server → client request: `{ connection }` → `{ password: string | null }` from SecretStorage.</summary>
    public const string ConnectionPassword = "dbagent/connectionPassword";

    /// <summary>Client → server request: `{ connection }` → `{ ok, message, serverVersion }`.</summary>
    public const string TestConnection = "dbagent/testConnection";

    /// <summary>Server → client notification: `{ uri, connection, state: connected | unreachable | none, message }`.</summary>
    public const string ConnectionStatus = "dbagent/connectionStatus";

    /// <summary>Client → server request: `{ connection }` → `{ tables }` after reloading the catalog.</summary>
    public const string RefreshSchema = "dbagent/refreshSchema";

    /// <summary>Server → client request: `{}` → `{ apiKey: string | null }`, the model endpoint's key from SecretStorage.</summary>
    public const string ModelApiKey = "dbagent/modelApiKey";

    /// <summary>
    /// Client → server request: `{ textDocument, position, relation? }` → the plan of the statement there, as a tree,
    /// before and after the proposed indexes (hypothetical), with the node a finding is about marked.
    /// </summary>
    public const string StatementPlan = "dbagent/statementPlan";

    /// <summary>
    /// Client → server request: `{ text, engine: string | null }` → `{ ok, message, needsEngine, connection:
    /// { engine, connectionString } | null, password: string | null }`. Add Connection's pasted connection
    /// string or URL, read by the same parser as the settings and the CLI; the password comes back apart.
    /// </summary>
    public const string ParseConnection = "dbagent/parseConnection";

    /// <summary>
    /// Server → client request: run one turn of the chat's language model (VS Code's `request.model`) for the chat
    /// whose partialResultToken is `chatToken`: `{ chatToken, requestToken, messages, tools }` → `{ text, toolCalls }`.
    /// Text streams back as `dbagent/modelText` notifications while the model produces it.
    /// </summary>
    public const string ModelRequest = "dbagent/modelRequest";

    /// <summary>Client → server notification: `{ requestToken, text }`, a piece of a model turn's text as it streams.</summary>
    public const string ModelText = "dbagent/modelText";

    /// <summary>Client → server request: `{ name, input, document }` → `{ text, isError }`: one DbAgent tool (agent mode), read-only.</summary>
    public const string RunTool = "dbagent/runTool";

    /// <summary>
    /// Server → client notification, in place of textDocument/publishDiagnostics for a client that declares
    /// `capabilities.experimental.dbagentDiagnosticsSplice: true` (the extension does): `{ uri, version, base, id, start,
    /// deleteCount, diagnostics }`. The document's diagnostics become those of the splice numbered `base` (none when
    /// `base` is 0) with `deleteCount` of them removed at `start` and `diagnostics` put there, and are numbered `id`. A
    /// keystroke in a long migration then sends the few diagnostics around the edit, not all of them.
    /// </summary>
    public const string DiagnosticsSplice = "dbagent/diagnosticsSplice";

    /// <summary>
    /// Client → server notification: `{ uri }`, a splice arrived whose `base` is not the client's last: the next one
    /// for that document is sent whole.
    /// </summary>
    public const string DiagnosticsResync = "dbagent/diagnosticsResync";
}
