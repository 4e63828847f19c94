using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Features.Plans;
using DbAgent.Server.Workspace;

namespace DbAgent.Server.Host;

/// <summary>
/// The services every handler may use; one per server connection. Built here once, each from the ones above it, so
/// no service is reached before it exists; the events that tie them together are subscribed after all are built.
/// </summary>
public sealed class LanguageServerContext
{
    public LanguageServerContext(ILanguageClient client, ServerState? state = null, LanguageServerOptions? options = null)
    {
        options ??= new LanguageServerOptions();
        Client = client;
        State = state ?? new ServerState();
        Log = new ServerLogger(client);
        Configuration = new WorkspaceConfiguration(client, State, Log);
        Connections = new DocumentConnections(client, State, Configuration, Log, options.Environment, options.Providers);
        Documents = new DocumentStore(Log, uri => Configuration.For(uri).Dialect, Connections.DialectFor);
        Schema = new WorkspaceSchema(State, Configuration, Connections, Log);
        Plans = new PlanDiagnostics(Documents, Configuration, options.PlanRunner ?? new ConnectionPlanRunner(Connections, Schema), Log, ServerLifetime.Token);
        // The schema-aware rules read the migrations' schema once it is built; they never wait for it.
        Diagnostics = new DiagnosticsPublisher(Documents, Configuration, Plans, client, Log, _ => Schema.Completed, () => State.ClientTakesDiagnosticsSplices);
        DocumentSchemas = new DocumentSchemas(Connections, Schema, Log);
        Statistics = new StatisticsCache(Connections.Manager, ServerLifetime.Token);
        SqlFiles = new WorkspaceSqlFiles(Schema, Documents);
        StatisticsPrefetch = new StatisticsPrefetch(Documents, Connections, Statistics, Log, ServerLifetime.Token);
        // A database that comes (back) up: the plans of the documents that use it run again.
        Connections.Connected += name =>
        {
            // Its catalog is read in the background now, so that completion and hovers find it loaded.
            Connections.Manager.PreloadSchema(name);
            foreach (var uri in Documents.OpenDocuments)
                if (Connections.For(uri)?.Name is { } used && string.Equals(used, name, StringComparison.OrdinalIgnoreCase))
                {
                    Plans.Request(uri);
                    StatisticsPrefetch.Request(uri);
                }
        };
        // Thresholds, rules or connections may have changed: plans run again (Connections, subscribed first, re-read
        // the connections before).
        Configuration.Changed += Plans.RequestAll;
        // A file opened before the settings arrived was told it has no connection: tell every open file again.
        Configuration.Changed += () =>
        {
            foreach (var uri in Documents.OpenDocuments)
            {
                Connections.RefreshDocumentStatus(uri, ServerLifetime.Token);
                StatisticsPrefetch.Request(uri);
            }
        };
    }

    public ILanguageClient Client { get; }
    public ServerLogger Log { get; }
    public ServerState State { get; }
    public WorkspaceConfiguration Configuration { get; }
    public DocumentStore Documents { get; }
    public DiagnosticsPublisher Diagnostics { get; }

    /// <summary>Plan-based findings, run on open and save against the document's connection.</summary>
    public PlanDiagnostics Plans { get; }

    /// <summary>The databases the documents use (settings or environment), with their state and catalogs.</summary>
    public DocumentConnections Connections { get; }

    /// <summary>The schema the workspace's migrations build.</summary>
    public WorkspaceSchema Schema { get; }

    /// <summary>The schema a document sees (live catalog or migrations, with its own DDL): what hover, completion and definition read.</summary>
    public DocumentSchemas DocumentSchemas { get; }

    /// <summary>The workspace's SQL files, for find-references and for reading where a migration wrote something.</summary>
    public WorkspaceSqlFiles SqlFiles { get; }

    /// <summary>Table and column statistics per connection, cached with a freshness policy.</summary>
    public StatisticsCache Statistics { get; }

    /// <summary>Reads ahead the statistics an open document names.</summary>
    public StatisticsPrefetch StatisticsPrefetch { get; }

    /// <summary>Where the streamed text of the chat model's turns (`dbagent/modelText`) goes.</summary>
    public DbAgent.Server.Features.Chat.ModelTextRouter ModelText { get; } = new();

    /// <summary>Stopped on exit or disconnection: background work (diagnostics, plans, chat) observes it.</summary>
    public CancellationTokenSource ServerLifetime { get; } = new();
}

/// <summary>What a host may set differently from a real `dbagent lsp` (tests: no environment connections).</summary>
public sealed record LanguageServerOptions
{
    /// <summary>Where DATABASE_URL, PGHOST... are read from when `dbagent.connections` is empty; null: nowhere.</summary>
    public System.Collections.IDictionary? Environment { get; init; } = System.Environment.GetEnvironmentVariables();

    public DbAgent.Databases.ProviderRegistry? Providers { get; init; }

    /// <summary>What explains a document's statements; null: its connection (tests put a recorded session here).</summary>
    public IPlanRunner? PlanRunner { get; init; }
}
