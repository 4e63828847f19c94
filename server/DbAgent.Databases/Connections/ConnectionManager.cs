using DbAgent.Sql.Schema;

namespace DbAgent.Databases.Connections;

public enum ConnectionState
{
    /// <summary>Not tried yet.</summary>
    Unknown,
    Connected,
    Unreachable,
}

/// <summary>What the status bar shows for one connection. <see cref="Message"/> never holds a secret.</summary>
public sealed record ConnectionStatus(string Connection, ConnectionState State, string Message)
{
    public ConnectionFailure? Failure { get; init; }
    public string? ServerVersion { get; init; }
    public DateTimeOffset? NextAttempt { get; init; }
}

/// <summary>The outcome of an operation on a connection: a value, or the one clear failure.</summary>
public sealed record ConnectionResult<T>(T? Value, ConnectionFailure? Failure)
{
    public bool Ok => Failure is null;
}

/// <summary>
/// Holds the configured connections, their state (connected / unreachable), a cached catalog per connection, and
/// reconnects with backoff when a database comes back. Operations on an unreachable connection fail fast with its
/// last message until the next attempt is due, so that static features never wait on a dead server.
/// Passwords: asked for through <see cref="PasswordProvider"/> when the target has none, held in memory only.
/// </summary>
public sealed class ConnectionManager : IAsyncDisposable
{
    private readonly ProviderRegistry _providers;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _disposed = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public ConnectionManager(ProviderRegistry? providers = null, TimeProvider? time = null)
    {
        _providers = providers ?? ProviderRegistry.Default;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Asks the client for a password (VS Code SecretStorage); null when it has none.</summary>
    public Func<ConnectionTarget, CancellationToken, Task<string?>>? PasswordProvider { get; set; }

    /// <summary>Raised when a connection's state or message changes.</summary>
    public event Action<ConnectionStatus>? StatusChanged;

    /// <summary>
    /// The most sessions DbAgent holds at once to one connection target (engine, host, port, database, user),
    /// whichever feature asks: plans, statistics, catalog, chat and "test connection" share them, and what asks
    /// beyond waits its turn. Many open documents must not exhaust a server's max_connections.
    /// </summary>
    public int MaxSessionsPerTarget { get; init; } = DriverConnectionStrings.MaxPoolSize / 2;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);


    private sealed class Entry(ConnectionTarget target)
    {
        public ConnectionTarget Target = target;
        public ConnectionStatus Status = new(target.Name, ConnectionState.Unknown, "Not connected yet.");
        public TimeSpan Backoff;
        public DateTimeOffset NextAttempt;
        public SchemaModel? Schema;
        public string? SchemaVersion;
        public DateTimeOffset SchemaLoaded;
        public Task<ConnectionResult<SchemaModel>>? SchemaLoad;
        public CancellationTokenSource? Reconnect;
        public string? Password;
    }

    public IReadOnlyList<ConnectionTarget> Connections
    {
        get { lock (_lock) return _entries.Values.Select(e => e.Target).ToList(); }
    }

    /// <summary>Replaces the configured connections; unchanged ones keep their state and catalog.</summary>
    public void Configure(IEnumerable<ConnectionTarget> targets)
    {
        lock (_lock)
        {
            var next = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
            foreach (var target in targets)
            {
                if (_entries.TryGetValue(target.Name, out var existing) && SameEndpoint(existing.Target, target))
                {
                    existing.Target = target with { Password = target.Password ?? existing.Target.Password };
                    next[target.Name] = existing;
                }
                else
                    next[target.Name] = new Entry(target);
            }
            foreach (var gone in _entries.Values.Where(e => !next.ContainsKey(e.Target.Name) || !ReferenceEquals(next[e.Target.Name], e)))
                gone.Reconnect?.Cancel();
            _entries.Clear();
            foreach (var (k, v) in next)
                _entries[k] = v;
        }
    }

    private static string GateKey(ConnectionTarget t) => $"{t.Engine}|{t.Host}|{t.Port}|{t.Database}|{t.User}|{t.ConnectionString}";

    /// <summary>The gates this async flow already holds: an operation that opens a second session for its own target
    /// inside the first (chat work that loads the catalog) does not wait, since it would wait for itself.</summary>
    private static readonly AsyncLocal<System.Collections.Immutable.ImmutableHashSet<SemaphoreSlim>?> Held = new();

    /// <summary>Opens a session within the target's bound; disposing the lease closes the session and frees the slot.</summary>
    private async Task<SessionLease> OpenBoundedAsync(ConnectionTarget target, CancellationToken ct)
    {
        // Names that point at the same database share one gate.
        var gate = _gates.GetOrAdd(GateKey(target), _ => new SemaphoreSlim(MaxSessionsPerTarget, MaxSessionsPerTarget));
        var held = Held.Value ?? [];
        if (held.Contains(gate)) return new SessionLease(await _providers.OpenAsync(target, ct), null);
        await gate.WaitAsync(ct);
        try
        {
            return new SessionLease(await _providers.OpenAsync(target, ct), gate);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private sealed class SessionLease(IDatabaseSession session, SemaphoreSlim? gate) : IAsyncDisposable
    {
        public IDatabaseSession Session { get; } = session;
        public SemaphoreSlim? Gate => gate;
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            try { await Session.DisposeAsync(); }
            finally { gate?.Release(); }
        }
    }

    private static bool SameEndpoint(ConnectionTarget a, ConnectionTarget b) =>
        a.Engine == b.Engine && a.Host == b.Host && a.Port == b.Port && a.Database == b.Database && a.User == b.User && a.ConnectionString == b.ConnectionString;

    public ConnectionTarget? Find(string name)
    {
        lock (_lock) return _entries.TryGetValue(name, out var e) ? e.Target : null;
    }

    public ConnectionStatus GetStatus(string name)
    {
        lock (_lock)
            return _entries.TryGetValue(name, out var e) ? e.Status : new ConnectionStatus(name, ConnectionState.Unknown, $"No connection named '{name}'.");
    }

    /// <summary>Runs an operation on a fresh session (the drivers pool the sockets). Never throws for database trouble.</summary>
    public async Task<ConnectionResult<T>> UseAsync<T>(string name, Func<IDatabaseSession, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        Entry? entry;
        lock (_lock) _entries.TryGetValue(name, out entry);
        if (entry is null)
            return new(default, new ConnectionFailure(ConnectionFailureKind.InvalidConfiguration, $"No connection named '{name}'."));

        lock (_lock)
        {
            if (entry.Status.State == ConnectionState.Unreachable && _time.GetUtcNow() < entry.NextAttempt)
                return new(default, entry.Status.Failure);
        }

        SessionLease lease;
        try
        {
            var target = await WithPasswordAsync(entry, cancellationToken);
            lease = await OpenBoundedAsync(target, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var failure = ConnectionFailure.From(e, entry.Target);
            MarkUnreachable(entry, failure);
            return new(default, failure);
        }

        await using (lease)
        {
            var session = lease.Session;
            // Set here, not in OpenBoundedAsync: an async method's AsyncLocal changes flow into what it calls (the
            // operation), not back to its caller; they end when this method returns.
            if (lease.Gate is { } gate) Held.Value = (Held.Value ?? []).Add(gate);
            MarkConnected(entry, session.ServerInfo);
            try
            {
                return new(await operation(session, cancellationToken), null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Plans.StatementNotExplainableException e)
            {
                return new(default, new ConnectionFailure(ConnectionFailureKind.QueryFailed, e.Message));
            }
            catch (Exception e)
            {
                var failure = ConnectionFailure.From(e, entry.Target);
                if (failure.ConnectionLost)
                    MarkUnreachable(entry, failure);
                return new(default, failure);
            }
        }
    }

    /// <summary>
    /// The catalog of a connection, cached. A read runs in the background, once per connection however many callers
    /// wait, and is not cancelled when a caller stops waiting (a hover's timeout): the next caller finds it loaded.
    /// A cached catalog is answered at once; past <see cref="CatalogCheckInterval"/> the engine is asked, in the
    /// background, whether its catalog changed (<see cref="IDatabaseSession.CatalogVersionAsync"/>) and it is read
    /// again only then. <paramref name="refresh"/> (after DDL run elsewhere) waits for that check and the read.
    /// </summary>
    public async Task<ConnectionResult<SchemaModel>> GetSchemaAsync(string name, bool refresh, CancellationToken cancellationToken)
    {
        Entry? entry;
        Task<ConnectionResult<SchemaModel>> load;
        SchemaModel? cached;
        bool joined;
        lock (_lock)
        {
            _entries.TryGetValue(name, out entry);
            if (entry is null)
                return new(default, new ConnectionFailure(ConnectionFailureKind.InvalidConfiguration, $"No connection named '{name}'."));
            cached = entry.Schema;
            if (!refresh && cached is not null)
            {
                if (entry.SchemaLoad is null && _time.GetUtcNow() - entry.SchemaLoaded >= CatalogCheckInterval)
                    entry.SchemaLoad = StartSchemaLoadAsync(entry);
                return new(cached, null);
            }
            joined = entry.SchemaLoad is not null;
            load = entry.SchemaLoad ??= StartSchemaLoadAsync(entry);
        }
        var result = await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (refresh && joined)
        {
            // The read joined may have started before the DDL this refresh is about: check once more (cheap when
            // the engine reports its catalog version and nothing changed since).
            lock (_lock) load = entry.SchemaLoad ??= StartSchemaLoadAsync(entry);
            result = await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        if (!result.Ok && cached is not null)
            return new(cached, result.Failure); // the last catalog known, with why it is not fresh
        return result;
    }

    /// <summary>The catalog read so far, without any I/O; null before the first read finished.</summary>
    public SchemaModel? CachedSchema(string name)
    {
        lock (_lock) return _entries.TryGetValue(name, out var e) ? e.Schema : null;
    }

    /// <summary>Starts reading the catalog in the background if none is cached or being read (a connection came up, a file opened).</summary>
    public void PreloadSchema(string name)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(name, out var e) && e.Schema is null && e.SchemaLoad is null)
                e.SchemaLoad = StartSchemaLoadAsync(e);
        }
    }

    /// <summary>How often a cached catalog is checked for changes (in the background, when it is used).</summary>
    public TimeSpan CatalogCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads the catalog (or only its version, when one is cached and the engine has one) off the caller's path. Call under the lock.</summary>
    private Task<ConnectionResult<SchemaModel>> StartSchemaLoadAsync(Entry entry)
    {
        CancellationToken token;
        try { token = _disposed.Token; }
        catch (ObjectDisposedException) { return Task.FromResult(new ConnectionResult<SchemaModel>(default, new ConnectionFailure(ConnectionFailureKind.InvalidConfiguration, "The connection manager is closed."))); }
        return Task.Run(async () =>
        {
            ConnectionResult<SchemaModel> result;
            try
            {
                var known = entry.Schema;
                var knownVersion = entry.SchemaVersion;
                var read = await UseAsync(entry.Target.Name, async (s, ct) =>
                {
                    var version = await s.CatalogVersionAsync(ct).ConfigureAwait(false);
                    if (known is not null && version is not null && version == knownVersion) return (Schema: known, Version: version);
                    // Changed: where the engine can tell what changed, only that is read again.
                    if (known is not null && version is not null && knownVersion is not null
                        && await s.RefreshSchemaAsync(known, knownVersion, version, ct).ConfigureAwait(false) is { } patched)
                        return (Schema: patched, Version: version);
                    var schema = await s.LoadSchemaAsync(ct).ConfigureAwait(false);
                    return (Schema: schema, Version: version);
                }, token).ConfigureAwait(false);
                result = read.Ok ? new(read.Value.Schema, null) : new(default, read.Failure);
                lock (_lock)
                {
                    if (read.Ok)
                    {
                        entry.Schema = read.Value.Schema;
                        entry.SchemaVersion = read.Value.Version;
                        entry.SchemaLoaded = _time.GetUtcNow();
                    }
                }
            }
            catch (Exception e)
            {
                result = new(default, new ConnectionFailure(ConnectionFailureKind.QueryFailed, $"Reading the catalog of '{entry.Target.Name}' failed: {e.GetType().Name}."));
            }
            finally
            {
                lock (_lock) entry.SchemaLoad = null;
            }
            return result;
        }, CancellationToken.None);
    }

    /// <summary>Opens, reports the version and closes: the "test connection" command. The message is secret-free.</summary>
    public async Task<(bool Ok, string Message, string? ServerVersion)> TestAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await using var lease = await OpenBoundedAsync(target, cancellationToken);
            var info = lease.Session.ServerInfo;
            var engine = info.IsMariaDb ? "MariaDB" : info.Engine.ToString();
            return (true, $"Connected to {engine} {info.Version}, database '{info.Database}'.", info.Version);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = ConnectionFailure.From(e, target);
            return (false, failure.Message, null);
        }
    }

    private async Task<ConnectionTarget> WithPasswordAsync(Entry entry, CancellationToken ct)
    {
        var target = entry.Target;
        if (target.Password is not null || target.Engine == DatabaseEngine.Sqlite)
            return target;
        if (entry.Password is null && PasswordProvider is { } ask)
            entry.Password = await ask(target, ct);
        return entry.Password is null ? target : target with { Password = entry.Password };
    }

    private void MarkConnected(Entry entry, ServerInfo info)
    {
        ConnectionStatus status;
        lock (_lock)
        {
            var changed = entry.Status.State != ConnectionState.Connected;
            entry.Backoff = TimeSpan.Zero;
            entry.Reconnect?.Cancel();
            entry.Reconnect = null;
            status = entry.Status = new ConnectionStatus(entry.Target.Name, ConnectionState.Connected,
                $"Connected to {(info.IsMariaDb ? "MariaDB" : info.Engine.ToString())} {info.Version} ({info.Database}).") { ServerVersion = info.Version };
            if (!changed)
                return;
        }
        StatusChanged?.Invoke(status);
    }

    private void MarkUnreachable(Entry entry, ConnectionFailure failure)
    {
        ConnectionStatus status;
        lock (_lock)
        {
            entry.Backoff = entry.Backoff == TimeSpan.Zero ? InitialBackoff : TimeSpan.FromTicks(Math.Min(entry.Backoff.Ticks * 2, MaxBackoff.Ticks));
            entry.NextAttempt = _time.GetUtcNow() + entry.Backoff;
            // A refused password is not asked for again until the user changes it (a new Configure or ForgetPassword).
            if (failure.Kind == ConnectionFailureKind.AuthenticationFailed)
                entry.Password = null;
            status = entry.Status = new ConnectionStatus(entry.Target.Name, ConnectionState.Unreachable, failure.Message)
            {
                Failure = failure, NextAttempt = entry.NextAttempt,
            };
            if (entry.Reconnect is null && failure.Kind is not ConnectionFailureKind.InvalidConfiguration)
            {
                entry.Reconnect = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
                _ = ReconnectLoopAsync(entry, entry.Reconnect.Token);
            }
        }
        StatusChanged?.Invoke(status);
    }

    /// <summary>Tries again after each backoff (1 s, 2 s, 4 s ... up to <see cref="MaxBackoff"/>) until the database answers.</summary>
    private async Task ReconnectLoopAsync(Entry entry, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var wait = entry.NextAttempt - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, _time, ct);
                try
                {
                    var target = await WithPasswordAsync(entry, ct);
                    await using var lease = await OpenBoundedAsync(target, ct);
                    lock (_lock) entry.Reconnect = null;
                    MarkConnected(entry, lease.Session.ServerInfo);
                    return;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    var failure = ConnectionFailure.From(e, entry.Target);
                    ConnectionStatus status;
                    lock (_lock)
                    {
                        entry.Backoff = TimeSpan.FromTicks(Math.Min(Math.Max(entry.Backoff.Ticks, InitialBackoff.Ticks) * 2, MaxBackoff.Ticks));
                        entry.NextAttempt = _time.GetUtcNow() + entry.Backoff;
                        var changed = entry.Status.Message != failure.Message;
                        status = entry.Status = entry.Status with { Message = failure.Message, Failure = failure, NextAttempt = entry.NextAttempt };
                        if (!changed)
                            continue;
                    }
                    StatusChanged?.Invoke(status);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Work that caught a lost connection itself (a plan run keeps the statements it explained) reports it here, so
    /// that the connection is marked unreachable and the reconnect loop starts: when the database comes back,
    /// <see cref="StatusChanged"/> says so and the work can run again without waiting on the user.
    /// </summary>
    public void ReportLost(string name, ConnectionFailure failure)
    {
        if (!failure.ConnectionLost) return;
        Entry? entry;
        lock (_lock) _entries.TryGetValue(name, out entry);
        if (entry is not null) MarkUnreachable(entry, failure);
    }

    /// <summary>
    /// Every password held for the connections (configured or given by the client): what must be masked in anything
    /// shown to a person or a model.
    /// </summary>
    public IReadOnlyList<string> KnownSecrets()
    {
        lock (_lock)
            return _entries.Values.SelectMany(e => new[] { e.Password, e.Target.Password }).OfType<string>().Where(p => p.Length > 0).Distinct().ToList();
    }

    /// <summary>Drops a remembered password (the user changed it in SecretStorage) and allows an attempt at once.</summary>
    public void ForgetPassword(string name)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(name, out var e))
            {
                e.Password = null;
                e.NextAttempt = _time.GetUtcNow();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        _disposed.Dispose();
    }
}
