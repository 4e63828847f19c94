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

    public ConnectionManager(ProviderRegistry? providers = null, TimeProvider? time = null)
    {
        _providers = providers ?? ProviderRegistry.Default;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Asks the client for a password (VS Code SecretStorage); null when it has none.</summary>
    public Func<ConnectionTarget, CancellationToken, Task<string?>>? PasswordProvider { get; set; }

    /// <summary>Raised when a connection's state or message changes.</summary>
    public event Action<ConnectionStatus>? StatusChanged;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a loaded catalog is reused before it is read again (it can also be refreshed on demand).</summary>
    public TimeSpan CatalogLifetime { get; set; } = TimeSpan.FromMinutes(5);

    private sealed class Entry(ConnectionTarget target)
    {
        public ConnectionTarget Target = target;
        public ConnectionStatus Status = new(target.Name, ConnectionState.Unknown, "Not connected yet.");
        public TimeSpan Backoff;
        public DateTimeOffset NextAttempt;
        public SchemaModel? Schema;
        public DateTimeOffset SchemaLoaded;
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

        IDatabaseSession session;
        try
        {
            var target = await WithPasswordAsync(entry, cancellationToken);
            session = await _providers.OpenAsync(target, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var failure = e is DatabaseAccessException dae ? dae.Failure : ConnectionFailure.From(e, entry.Target);
            MarkUnreachable(entry, failure);
            return new(default, failure);
        }

        await using (session)
        {
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
                var failure = e is DatabaseAccessException dae ? dae.Failure : ConnectionFailure.From(e, entry.Target);
                if (failure.ConnectionLost)
                    MarkUnreachable(entry, failure);
                return new(default, failure);
            }
        }
    }

    /// <summary>The catalog of a connection, cached; <paramref name="refresh"/> reads it again (after DDL run elsewhere).</summary>
    public async Task<ConnectionResult<SchemaModel>> GetSchemaAsync(string name, bool refresh, CancellationToken cancellationToken)
    {
        Entry? entry;
        SchemaModel? cached;
        DateTimeOffset loaded;
        lock (_lock)
        {
            _entries.TryGetValue(name, out entry);
            cached = entry?.Schema;
            loaded = entry?.SchemaLoaded ?? default;
        }
        if (!refresh && cached is not null && _time.GetUtcNow() - loaded < CatalogLifetime)
            return new(cached, null);
        var result = await UseAsync(name, (s, ct) => s.LoadSchemaAsync(ct), cancellationToken);
        if (result.Ok && entry is not null)
        {
            lock (_lock)
            {
                entry.Schema = result.Value;
                entry.SchemaLoaded = _time.GetUtcNow();
            }
        }
        else if (!result.Ok && cached is not null)
            return new(cached, result.Failure); // the last catalog known, with why it is not fresh
        return result;
    }

    /// <summary>Opens, reports the version and closes: the "test connection" command. The message is secret-free.</summary>
    public async Task<(bool Ok, string Message, string? ServerVersion)> TestAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await _providers.OpenAsync(target, cancellationToken);
            var info = session.ServerInfo;
            var engine = info.IsMariaDb ? "MariaDB" : info.Engine.ToString();
            return (true, $"Connected to {engine} {info.Version}, database '{info.Database}'.", info.Version);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = e is DatabaseAccessException dae ? dae.Failure : ConnectionFailure.From(e, target);
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
                    await using var session = await _providers.OpenAsync(target, ct);
                    lock (_lock) entry.Reconnect = null;
                    MarkConnected(entry, session.ServerInfo);
                    return;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    var failure = e is DatabaseAccessException dae ? dae.Failure : ConnectionFailure.From(e, entry.Target);
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
