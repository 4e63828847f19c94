using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Lifecycle;

/// <summary>initialize: remembers the client's capabilities and advertises exactly what the server answers.</summary>
[LspHandler(mutatesState: true)]
public sealed class InitializeHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.Initialize, UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(InitializeParams parameters)
    {
        context.State.InitializeParams = parameters;
        return new InitializeResult(
            new ServerCapabilities
            {
                TextDocumentSync = new TextDocumentSyncOptions
                {
                    OpenClose = true,
                    Change = TextDocumentSyncKind.Incremental,
                    Save = new SaveOptions(IncludeText: false),
                },
                HoverProvider = true,
                CodeActionProvider = new CodeActionOptions([CodeActionKind.QuickFix]),
                DocumentSymbolProvider = true,
                CompletionProvider = new CompletionOptions([".", " "], ResolveProvider: true),
                DefinitionProvider = true,
                ReferencesProvider = true,
                DocumentHighlightProvider = true,
                SignatureHelpProvider = new SignatureHelpOptions(["(", ","], [","]),
            },
            new ServerInfo("dbagent", ProductVersion.Current));
    }
}
