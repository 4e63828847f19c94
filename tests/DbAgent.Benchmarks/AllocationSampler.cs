using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace DbAgent.Benchmarks;

/// <summary>
/// The runtime's allocation sampling (an event about every 100 KB allocated, naming the type that crossed the mark),
/// summed by type while enabled: which objects a measured step allocates, without a profiler.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _on;

    public void Start() { _bytes.Clear(); _on = true; }

    public void Stop() => _on = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // GC keyword (0x1) at verbose level: GCAllocationTick.
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames?.IndexOf("TypeName") is int t and >= 0 ? e.Payload[t]?.ToString() ?? "?" : "?";
        var amount = e.PayloadNames?.IndexOf("AllocationAmount64") is int a and >= 0 ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }

    public void Print(int top, double per)
    {
        foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(top))
            Console.WriteLine($"    {bytes / per / 1024:F0} KiB  {type}");
    }
}
