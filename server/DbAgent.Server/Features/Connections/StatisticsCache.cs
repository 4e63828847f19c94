using System.Collections.Concurrent;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Sql.Semantics;

namespace DbAgent.Server.Features.Connections;

/// <summary>
/// Table and column statistics per connection, kept for <see cref="Freshness"/> and answered from memory meanwhile;
/// once stale they are still answered at once while a read in the background brings them up to date
/// (statistics move slowly: ANALYZE and autovacuum run minutes apart). A read is not cancelled when the hover that
/// asked stops waiting: the next hover finds its result.
/// </summary>
public sealed class StatisticsCache(ConnectionManager manager, CancellationToken lifetime)
{
    /// <summary>How long a read is reused before it is read again in the background.</summary>
    public TimeSpan Freshness { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest one background read may take.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private sealed class Entry
    {
        public object? Value;
        public DateTimeOffset Fetched;
        public Task<ConnectionFailure?>? Reading;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    public Task<ConnectionResult<TableStats>> TableAsync(string connection, QualifiedName table, CancellationToken cancellationToken) =>
        GetAsync(connection + "\u0001" + table, (s, ct) => s.GetTableStatsAsync(table, ct), connection, cancellationToken);

    public Task<ConnectionResult<ColumnStats>> ColumnAsync(string connection, QualifiedName table, string column, CancellationToken cancellationToken) =>
        GetAsync(connection + "\u0001" + table + "\u0001" + column, (s, ct) => s.GetColumnStatsAsync(table, column, ct), connection, cancellationToken);

    /// <summary>The table's statistics if they are in memory (fresh or not); never reads.</summary>
    public TableStats? CachedTable(string connection, QualifiedName table) =>
        _entries.TryGetValue(connection + "\u0001" + table, out var e) ? Volatile.Read(ref e.Value) as TableStats : null;

    /// <summary>Forget a connection's statistics (its catalog was refreshed).</summary>
    public void Forget(string connection)
    {
        foreach (var key in _entries.Keys)
            if (key.StartsWith(connection + "\u0001", StringComparison.OrdinalIgnoreCase)) _entries.TryRemove(key, out _);
    }

    private async Task<ConnectionResult<T>> GetAsync<T>(string key, Func<IDatabaseSession, CancellationToken, Task<T?>> read, string connection, CancellationToken cancellationToken)
        where T : class
    {
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        Task<ConnectionFailure?> reading;
        lock (entry)
        {
            if (entry.Value is T known)
            {
                if (DateTimeOffset.UtcNow - entry.Fetched >= Freshness) entry.Reading ??= ReadAsync(entry, read, connection);
                return new(known, null);
            }
            reading = entry.Reading ??= ReadAsync(entry, read, connection);
        }
        var failure = await reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (entry) return entry.Value is T value ? new(value, null) : new(default, failure);
    }

    private Task<ConnectionFailure?> ReadAsync<T>(Entry entry, Func<IDatabaseSession, CancellationToken, Task<T?>> read, string connection) where T : class =>
        Task.Run(async () =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
                timeout.CancelAfter(ReadTimeout);
                var result = await manager.UseAsync(connection, read, timeout.Token).ConfigureAwait(false);
                lock (entry)
                {
                    if (result.Ok && result.Value is { } value)
                    {
                        entry.Value = value;
                        entry.Fetched = DateTimeOffset.UtcNow;
                    }
                }
                return result.Ok ? null : result.Failure;
            }
            catch (OperationCanceledException)
            {
                return new ConnectionFailure(ConnectionFailureKind.Timeout, $"'{connection}' did not answer within {ReadTimeout.TotalSeconds:0} s");
            }
            catch (Exception e)
            {
                return new ConnectionFailure(ConnectionFailureKind.QueryFailed, $"reading statistics failed ({e.GetType().Name})");
            }
            finally
            {
                lock (entry) entry.Reading = null;
            }
        }, CancellationToken.None);
}
