using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Features.Plans;
using DbAgent.Server.Workspace;

namespace DbAgent.Server.Host;

/// <summary>The services every handler may use; one per server connection.</summary>
public sealed class LanguageServerContext
{
    public LanguageServerContext(ILanguageClient client, ServerState? state = null)
    {
        State = state ?? new ServerState();
        Client = client;
        Log = new ServerLogger(client);
        Configuration = new WorkspaceConfiguration(client, State, Log);
        Documents = new DocumentStore(Log, uri => Configuration.For(uri).Dialect);
        Plans = new PlanDiagnostics(Documents, Configuration, Log, ServerLifetime.Token);
        Diagnostics = new DiagnosticsPublisher(Documents, Configuration, Plans, client, Log);
        Schema = new WorkspaceSchema(State, Configuration, Log);
        // Thresholds, rules or connections may have changed: plans run again.
        Configuration.Changed += Plans.RequestAll;
    }

    public ILanguageClient Client { get; }
    public ServerLogger Log { get; }
    public ServerState State { get; }
    public WorkspaceConfiguration Configuration { get; }
    public DocumentStore Documents { get; }
    public DiagnosticsPublisher Diagnostics { get; }

    /// <summary>Plan-based findings, run on open and save against the document's connection.</summary>
    public PlanDiagnostics Plans { get; }

    /// <summary>The schema the workspace's migrations build.</summary>
    public WorkspaceSchema Schema { get; }

    /// <summary>Stopped on exit or disconnection: background work (diagnostics, plans, chat) observes it.</summary>
    public CancellationTokenSource ServerLifetime { get; } = new();
}
