using DbAgent.Server.Features.Chat;
using DbAgent.Server.Features.CodeActions;
using DbAgent.Server.Features.Completion;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Features.DocumentSync;
using DbAgent.Server.Features.Hover;
using DbAgent.Server.Features.Lifecycle;
using DbAgent.Server.Features.Navigation;
using DbAgent.Server.Features.SignatureHelp;
using DbAgent.Server.Features.Symbols;

namespace DbAgent.Server.Host;

/// <summary>
/// Every handler the server registers, in one place. A handler is a class whose `[JsonRpcMethod]` methods answer
/// one LSP (or custom) method, and which says what it does to the server's state:
/// <code>
/// [LspHandler(mutatesState: false)]   // reads: runs in parallel after the edits sent before it
/// public sealed class HoverHandler(LanguageServerContext context)
/// {
///     [JsonRpcMethod(Methods.Hover, UseSingleObjectParameterDeserialization = true)]
///     public async Task&lt;Hover?&gt; HoverAsync(TextDocumentPositionParams parameters, CancellationToken cancellationToken) ...
/// }
/// </code>
/// A feature adds its line here; <see cref="RequestQueue"/> does the ordering (see <see cref="LspHandlerAttribute"/>).
/// </summary>
public static class HandlerCatalog
{
    public static IEnumerable<object> Create(LanguageServerContext context) =>
    [
        new InitializeHandler(context),
        new InitializedHandler(context),
        new ShutdownHandler(context),
        new ExitHandler(context),
        new DidOpenHandler(context),
        new DidChangeHandler(context),
        new DidCloseHandler(context),
        new DidSaveHandler(context),
        new DidChangeConfigurationHandler(context),
        new HoverHandler(context),
        new CodeActionHandler(context),
        new DocumentSymbolHandler(context),
        new CompletionHandler(context),
        new CompletionResolveHandler(context),
        new DefinitionHandler(context),
        new ReferencesHandler(context),
        new DocumentHighlightHandler(context),
        new SignatureHelpHandler(context),
        new TestConnectionHandler(context),
        new RefreshSchemaHandler(context),
        new ParseConnectionHandler(),
        new ChatHandler(context),
        new DbAgent.Server.Features.Plans.StatementPlanHandler(context),
        new ModelTextHandler(context),
        new RunToolHandler(context),
        new DbAgent.Server.Features.Diagnostics.DiagnosticsResyncHandler(context),
    ];
}
