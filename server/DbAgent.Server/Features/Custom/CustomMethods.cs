namespace DbAgent.Server.Features.Custom;

/// <summary>
/// DbAgent's own LSP methods, declared once on this side (the extension declares the same names as `RequestType`s in
/// `extension/src/&lt;feature&gt;/protocol.ts`). Payloads are described in TEAM.md.
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
}
