namespace DbAgent.SampleData;

/// <summary>
/// A seeded SplitMix64 stream. Each sample row draws from its own stream, keyed by (seed, table, row id), so a row
/// is a pure function of those three: an order and its lines agree without holding either in memory, and the data
/// is the same on every .NET version (System.Random's seeded sequence carries no such promise).
/// </summary>
internal struct SampleRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    private SampleRandom(ulong state) => _state = state;

    public static SampleRandom For(int seed, SampleStream stream, long index)
    {
        // Mix the key once so neighbouring ids do not start from neighbouring states.
        var key = new SampleRandom(((ulong)(uint)seed << 32) ^ ((ulong)stream << 56) ^ (ulong)index);
        return new SampleRandom(key.NextUInt64());
    }

    public ulong NextUInt64()
    {
        _state += Golden;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    /// <summary>Uniform in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Picks from (item, weight) pairs, weights need not sum to anything in particular.</summary>
    public T PickWeighted<T>(IReadOnlyList<(T Item, int Weight)> items)
    {
        var total = 0;
        foreach (var (_, weight) in items) total += weight;
        var roll = Next(total);
        foreach (var (item, weight) in items)
        {
            if (roll < weight) return item;
            roll -= weight;
        }
        return items[^1].Item;
    }
}

internal enum SampleStream : byte
{
    Customers = 1,
    Products = 2,
    Orders = 3,
    OrderLines = 4,
    Events = 5,
}
