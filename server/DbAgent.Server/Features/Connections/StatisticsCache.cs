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

    /// <summary>
    /// How long a hover waits for statistics not yet in memory. One table's statistics cost tens of milliseconds to
    /// read at 50,000 tables (seconds on a busy server): a hover does not wait on that. The read goes on in the
    /// background and the next hover shows its result; <see cref="PrefetchAsync"/> reads ahead what a document names.
    /// </summary>
    public TimeSpan HoverBudget { get; set; } = TimeSpan.FromMilliseconds(10);

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

    /// <summary>The most tables (and as many columns) one document's prefetch reads.</summary>
    public int PrefetchLimit { get; set; } = 100;

    /// <summary>
    /// Reads, one after another in the background, the statistics of the tables and columns a document names, so
    /// that its first hovers find them in memory (a hover does not wait on a read). One read at a time: the
    /// prefetch never takes more than one of the connection's sessions, and what is cached or being read is skipped.
    /// </summary>
    public async Task PrefetchAsync(string connection, IEnumerable<QualifiedName> tables, IEnumerable<(QualifiedName Table, string Column)> columns, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var table in tables.Distinct().Take(PrefetchLimit))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!_entries.ContainsKey(connection + "\u0001" + table)) await TableAsync(connection, table, cancellationToken).ConfigureAwait(false);
            }
            foreach (var (table, column) in columns.Distinct().Take(PrefetchLimit))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!_entries.ContainsKey(connection + "\u0001" + table + "\u0001" + column)) await ColumnAsync(connection, table, column, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A connection's catalog changed (a refresh): its statistics are kept and still answered, but count as stale,
    /// so the next hover on each has them read again in the background. Forgetting them would make every hover
    /// after a refresh go without.
    /// </summary>
    public void MarkStale(string connection)
    {
        foreach (var (key, entry) in _entries)
            if (key.StartsWith(connection + "\u0001", StringComparison.OrdinalIgnoreCase))
                lock (entry) entry.Fetched = DateTimeOffset.MinValue;
    }

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
