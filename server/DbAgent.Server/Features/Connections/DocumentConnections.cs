using System.Collections;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using DbAgent.Server.Workspace;
using DbAgent.Sql.Schema;

namespace DbAgent.Server.Features.Connections;

/// <summary>
/// The language server's side of the connection layer, per document: <see cref="ConnectionResolver"/> says which
/// target a document uses (from `dbagent.connections`, else the environment), the <see cref="ConnectionManager"/>
/// holds the live sessions, state and catalog per target. This class only ties them to the client: passwords come
/// from its SecretStorage through `dbagent/connectionPassword`, status changes go to it as `dbagent/connectionStatus`.
/// A connection that fails never stops the static features.
/// </summary>
public sealed class DocumentConnections : IAsyncDisposable
{
    /// <summary>The client answers from SecretStorage; longer means it is not going to.</summary>
    private static readonly TimeSpan PasswordTimeout = TimeSpan.FromSeconds(15);

    private readonly ILanguageClient _client;
    private readonly WorkspaceConfiguration _configuration;
    private readonly ServerState _state;
    private readonly ServerLogger _log;
    private readonly IDictionary? _environment;
    private volatile ConnectionTargetList _targets = new([], []);

    public DocumentConnections(ILanguageClient client, ServerState state, WorkspaceConfiguration configuration, ServerLogger log,
        IDictionary? environment, ProviderRegistry? providers = null)
    {
        _client = client;
        _state = state;
        _configuration = configuration;
        _log = log;
        _environment = environment;
        Manager = new ConnectionManager(providers);
        Manager.PasswordProvider = PasswordForAsync;
        Manager.StatusChanged += OnStatusChanged;
        configuration.Changed += Reconfigure;
    }

    public ConnectionManager Manager { get; }

    public IReadOnlyList<ConnectionTarget> Targets => _targets.Targets;

    /// <summary>Raised when a connection comes up (again): plans and hovers may use it now.</summary>
    public event Action<string>? Connected;

    /// <summary>Reads the connections from the settings (or the environment) into the manager; unchanged ones keep their state.</summary>
    public void Reconfigure()
    {
        var targets = ConnectionResolver.FromSettings(_configuration.Global.Connections, _state.WorkspaceFolders, _environment);
        foreach (var problem in targets.Problems) _log.Warning(problem);
        _targets = targets;
        Manager.Configure(targets.Targets);
        if (targets.Targets.Count > 0)
            _log.Info($"Connections: {string.Join(", ", targets.Targets.Select(t => t.ToString()))}.");
    }

    /// <summary>The dialect of the engine a document's connection runs (it outranks every other sign), or null.</summary>
    public DbAgent.Sql.SqlDialect? DialectFor(string documentUri) => For(documentUri) is { } target ? target.Engine.ToDialect() : null;

    /// <summary>The connection a document uses, or null.</summary>
    public ConnectionTarget? For(string documentUri) => ConnectionResolver.ForDocument(documentUri, _targets.Targets, _state.WorkspaceFolders);

    /// <summary>Runs an operation on the document's database; null when the document uses none.</summary>
    public async Task<ConnectionResult<T>?> UseAsync<T>(string documentUri, Func<IDatabaseSession, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (For(documentUri) is not { } target) return null;
        return await Manager.UseAsync(target.Name, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs work that may use the document's database (the chat): with an open session when the document has a
    /// connection that answers, else with none and the reason (no connection, or why it failed) — the work runs once
    /// either way. The session is closed when the work ends.
    /// </summary>
    public async Task<T> WithSessionAsync<T>(string? documentUri, Func<DatabaseAccess, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var target = documentUri is null ? ConnectionResolver.FirstUnscoped(Targets) : For(documentUri);
        if (target is null) return await work(new DatabaseAccess(null, null, null), cancellationToken).ConfigureAwait(false);

        var started = false;
        T value = default!;
        var result = await Manager.UseAsync(target.Name, async (session, ct) =>
        {
            started = true;
            value = await work(new DatabaseAccess(session, target.Name, null), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (result.Ok) return value;
        cancellationToken.ThrowIfCancellationRequested();
        // The work ran and a database call inside it failed: its own answer is gone, so say why rather than run it twice.
        if (started) throw new InvalidOperationException(result.Failure?.Message ?? "The database failed during the work.");
        return await work(new DatabaseAccess(null, target.Name, result.Failure?.Message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The live catalog of the document's database (cached by the manager); null without a connection.</summary>
    public async Task<ConnectionResult<SchemaModel>?> CatalogAsync(string documentUri, CancellationToken cancellationToken)
    {
        if (For(documentUri) is not { } target) return null;
        return await Manager.GetSchemaAsync(target.Name, refresh: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Tells the client, in the background, which connection a document uses and whether it answers (for the status
    /// bar). Never throws: a status that cannot be worked out is logged.
    /// </summary>
    public void RefreshDocumentStatus(string documentUri, CancellationToken cancellationToken) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await NotifyDocumentStatusAsync(documentUri, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                _log.Warning($"Connection status for {documentUri} failed: {e.GetType().Name}");
            }
        }, CancellationToken.None);

    /// <summary>Tells the client which connection a document uses and whether it answers (for the status bar).</summary>
    public async Task NotifyDocumentStatusAsync(string documentUri, CancellationToken cancellationToken)
    {
        var target = For(documentUri);
        if (target is null)
        {
            await NotifyAsync(new ConnectionStatusParams { Uri = documentUri, State = ConnectionStates.None, Message = "No database connection for this file." }).ConfigureAwait(false);
            return;
        }
        // Not tried yet: try now, so that the status bar says something true.
        if (Manager.GetStatus(target.Name).State == ConnectionState.Unknown)
            await Manager.UseAsync(target.Name, static (s, _) => Task.FromResult(s.ServerInfo.Version), cancellationToken).ConfigureAwait(false);
        var status = Manager.GetStatus(target.Name);
        await NotifyAsync(new ConnectionStatusParams
        {
            Uri = documentUri,
            Connection = target.Name,
            State = status.State == ConnectionState.Unreachable ? ConnectionStates.Unreachable : ConnectionStates.Connected,
            Message = status.Message,
        }).ConfigureAwait(false);
    }

    private void OnStatusChanged(ConnectionStatus status)
    {
        if (status.State == ConnectionState.Unreachable) _log.Warning(status.Message);
        else _log.Info(status.Message);
        _ = NotifyAsync(new ConnectionStatusParams
        {
            Connection = status.Connection,
            State = status.State == ConnectionState.Unreachable ? ConnectionStates.Unreachable : ConnectionStates.Connected,
            Message = status.Message,
        });
        if (status.State == ConnectionState.Connected) Connected?.Invoke(status.Connection);
    }

    private async Task NotifyAsync(ConnectionStatusParams status)
    {
        try
        {
            await _client.NotifyAsync(CustomMethods.ConnectionStatus, status).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug($"Could not send the connection status: {e.GetType().Name}");
        }
    }

    public async Task<string?> PasswordForAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PasswordTimeout);
        try
        {
            var answer = await _client.RequestAsync<ConnectionPasswordResult>(CustomMethods.ConnectionPassword,
                new ConnectionPasswordParams(target.Name), timeout.Token).ConfigureAwait(false);
            return string.IsNullOrEmpty(answer?.Password) ? null : answer.Password;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Never the password, nor the connection string, in the log: only that the client did not give one.
            _log.Info($"No password for '{target.Name}' from the client ({e.GetType().Name}); connecting without one.");
            return null;
        }
    }

    public ValueTask DisposeAsync() => Manager.DisposeAsync();
}

/// <summary>What work gets of a document's database: a session, or the connection's name and why there is none.</summary>
public sealed record DatabaseAccess(IDatabaseSession? Session, string? ConnectionName, string? Problem);
