using System.Data;
using System.Data.Common;

namespace DbAgent.Databases.Engines;

/// <summary>
/// What every engine's session shares: one request at a time on its connection, driver failures turned into one
/// clear message, transactions that are always rolled back, and the connection closed on dispose.
/// </summary>
internal abstract class DatabaseSession<TConnection>(ConnectionTarget target, TConnection connection, ServerInfo serverInfo, EngineCapabilities capabilities)
    : IAsyncDisposable where TConnection : DbConnection
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected ConnectionTarget Target => target;
    protected TConnection Connection => connection;

    public ServerInfo ServerInfo { get; } = serverInfo;
    public EngineCapabilities Capabilities { get; } = capabilities;

    /// <summary>Opens a new connection and starts a session on it; a connection that fails on the way is closed.</summary>
    public static async Task<IDatabaseSession> OpenAsync(TConnection newConnection, Func<Task<IDatabaseSession>> start, CancellationToken cancellationToken)
    {
        try
        {
            await newConnection.OpenAsync(cancellationToken);
            return await start();
        }
        catch
        {
            await newConnection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs work alone on the connection (ADO.NET connections take one command at a time).</summary>
    protected async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await AdoCommands.GuardAsync(target, work);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Begins a transaction, prepares it (read-only mode, timeouts), runs the work, and rolls back whatever happened.</summary>
    protected Task<T> InRolledBackTransactionAsync<TTransaction, T>(Func<Task<TTransaction>> begin, Func<TTransaction, Task>? prepare, Func<TTransaction, Task<T>> work, CancellationToken cancellationToken)
        where TTransaction : DbTransaction =>
        ExclusiveAsync(async () =>
        {
            await using var tx = await begin();
            try
            {
                if (prepare is not null) await prepare(tx);
                return await work(tx);
            }
            finally
            {
                await RollbackQuietlyAsync(tx);
            }
        }, cancellationToken);

    /// <summary>Rolls back unless the connection already broke, in which case nothing was committed anyway.</summary>
    protected static async Task RollbackQuietlyAsync(DbTransaction tx)
    {
        if (tx.Connection is not { State: ConnectionState.Open }) return;
        try
        {
            await tx.RollbackAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // The connection broke during the rollback: nothing was committed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        _gate.Dispose();
    }
}
