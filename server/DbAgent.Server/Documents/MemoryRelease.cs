using System.Runtime;

namespace DbAgent.Server.Documents;

/// <summary>
/// Gives the memory of a large document back to the operating system once it is garbage. Closing a document drops
/// every reference the server holds to it (snapshot, lint cache, published findings, plans), but the collector only
/// runs when allocations ask for it, and a server that sits idle after closing a 50 MB file would keep its gigabytes
/// resident. So after a large document closes (or one over the size policy was analysed) a compacting collection
/// that decommits the freed memory runs once, shortly after, off the request path.
/// </summary>
public sealed class MemoryRelease
{
    /// <summary>Documents at least this long (in characters) are worth a collection of their own.</summary>
    public const int LargeDocumentCharacters = 1 << 20;

    private readonly TimeSpan _delay;
    private int _scheduled;

    public MemoryRelease(TimeSpan? delay = null) => _delay = delay ?? TimeSpan.FromSeconds(1);

    /// <summary>How many collections ran (for tests and the benchmark's log).</summary>
    public int Collections { get; private set; }

    /// <summary>Asks for one collection soon; many requests within the delay make one collection.</summary>
    public void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(_delay).ConfigureAwait(false);
            Volatile.Write(ref _scheduled, 0);
            Collect();
        });
    }

    private void Collect()
    {
        // Large-object heap included: a document's text and token arrays live there.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        // Aggressive: compacts and decommits what it frees, instead of keeping it for the next allocations.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        Collections++;
    }
}
