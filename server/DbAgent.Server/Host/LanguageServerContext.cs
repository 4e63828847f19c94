using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Diagnostics;

namespace DbAgent.Server.Host;

/// <summary>The services every handler may use; one per server connection.</summary>
public sealed class LanguageServerContext
{
    public LanguageServerContext(ILanguageClient client)
    {
        Client = client;
        Log = new ServerLogger(client);
        Configuration = new WorkspaceConfiguration(client, State, Log);
        Documents = new DocumentStore(Log, uri => Configuration.For(uri).Dialect);
        Diagnostics = new DiagnosticsPublisher(Documents, Configuration, client, Log);
    }

    public ILanguageClient Client { get; }
    public ServerLogger Log { get; }
    public ServerState State { get; } = new();
    public WorkspaceConfiguration Configuration { get; }
    public DocumentStore Documents { get; }
    public DiagnosticsPublisher Diagnostics { get; }

    /// <summary>Stopped on exit or disconnection: background work (diagnostics, plans, chat) observes it.</summary>
    public CancellationTokenSource ServerLifetime { get; } = new();
}
