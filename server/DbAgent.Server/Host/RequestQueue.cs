namespace DbAgent.Server.Host;

/// <summary>
/// Runs the server's requests and notifications in the order the client sent them, as far as they depend on each
/// other: a mutation (<see cref="LspHandlerAttribute.MutatesState"/>) waits for the mutation before it and runs
/// alone; a read waits for the mutations before it, then runs in parallel with other reads. A mutation does not wait
/// for earlier reads: they already hold their snapshots, and a long chat answer must not hold up typing.
/// Items must be enqueued in message order; the host enqueues on the connection's reader, before anything awaits.
/// </summary>
public sealed class RequestQueue
{
    private readonly Lock _gate = new();

    /// <summary>Completes when the latest enqueued mutation has run (successfully or not).</summary>
    private Task _mutations = Task.CompletedTask;

    /// <summary>
    /// Enqueues a mutation; it runs on the thread that completed the mutation before it (or inline when there is
    /// none pending), so mutations never overlap. A failed mutation does not stop the ones after it.
    /// </summary>
    public Task<T> EnqueueMutationAsync<T>(Func<Task<T>> work)
    {
        lock (_gate)
        {
            var run = RunAfterAsync(_mutations, work);
            _mutations = run.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return run;
        }
    }

    /// <summary>
    /// Enqueues a read: it starts on the thread pool once every mutation enqueued before it has run. Cancelled while
    /// it waits, it never starts and its task is cancelled.
    /// </summary>
    public Task<T> EnqueueReadAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        Task before;
        lock (_gate) before = _mutations;
        return ReadAsync(before, work, cancellationToken);
    }

    /// <summary>Completes when every mutation enqueued so far has run (for background work that must see them).</summary>
    public Task WhenMutationsDoneAsync(CancellationToken cancellationToken)
    {
        Task before;
        lock (_gate) before = _mutations;
        return before.WaitAsync(cancellationToken);
    }

    private static async Task<T> RunAfterAsync<T>(Task before, Func<Task<T>> work)
    {
        await before.ConfigureAwait(false);
        return await work().ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(Task before, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await before.WaitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        // Off the connection's reader: a read that computes before its first await must not hold up the next message.
        return await Task.Run(work, cancellationToken).ConfigureAwait(false);
    }
}
