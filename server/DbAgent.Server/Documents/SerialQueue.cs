namespace DbAgent.Server.Documents;

/// <summary>
/// Runs work items one at a time in the order they were enqueued (the single writer of the document store).
/// Readers await <see cref="WhenIdleAsync"/> to see every write enqueued before them, then run in parallel.
/// </summary>
public sealed class SerialQueue
{
    private readonly object _gate = new();
    private Task _tail = Task.CompletedTask;

    public Task Enqueue(Action work)
    {
        lock (_gate)
        {
            // A failed item must not poison the ones after it: each runs whatever happened before.
            var next = _tail.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            _tail = next;
            return next;
        }
    }

    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        Task tail;
        lock (_gate) tail = _tail;
        return tail.IsCompleted ? Task.CompletedTask : tail.ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(cancellationToken);
    }
}
