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
/// one LSP (or custom) method; a feature adds its line here.
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
    ];
}
